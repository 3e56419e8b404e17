"""Queue, render and send e-mail.

``queue_mail`` renders the message in the recipient's language and stores it
in the request's transaction. After the request commits, the messages it
queued are sent at once when ``MAIL_DELIVERY`` is ``"immediate"`` (the
default); a failure leaves them queued, and ``flask --app app mail send``
(cron or a worker loop) sends whatever is still pending. With ``"queue"``,
requests never talk to the mail server at all.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from flask import current_app, g, render_template
from flask_babel import force_locale
from sqlalchemy import select

from inhabithon.db import db, utcnow
from inhabithon.mail.models import OutgoingMail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Attachment:
    """One file sent with a message, as text (e.g. a calendar file)."""

    filename: str
    content_type: str  # "text/calendar"
    data: str


def queue_mail(
    to: str,
    subject: Any,
    template: str,
    locale: str,
    *,
    attachment: Attachment | None = None,
    **context: Any,
) -> OutgoingMail:
    """Render ``templates/mail/<template>.txt`` in ``locale`` and queue it for ``to``.

    ``subject`` may be a lazy string: it is translated in the recipient's language.
    ``attachment`` is stored with the message and sent with it.
    """
    with force_locale(locale):
        rendered_subject = str(subject)
        body = render_template(f"mail/{template}.txt", **context)
    mail = OutgoingMail(to_address=to, subject=rendered_subject[:300], body_text=body)
    if attachment is not None:
        mail.attachment_name = attachment.filename
        mail.attachment_type = attachment.content_type
        mail.attachment_data = attachment.data
    db.session.add(mail)
    db.session.flush()
    g.setdefault("mail_queued", []).append(mail.id)
    return mail


def _message(mail: OutgoingMail) -> EmailMessage:
    msg = _envelope(mail.to_address, mail.subject, mail.body_text)
    if mail.attachment_name and mail.attachment_data is not None:
        maintype, _, subtype = (mail.attachment_type or "text/plain").partition("/")
        if maintype == "text":
            msg.add_attachment(mail.attachment_data, subtype=subtype, filename=mail.attachment_name)
        else:
            msg.add_attachment(
                mail.attachment_data.encode(),
                maintype=maintype,
                subtype=subtype,
                filename=mail.attachment_name,
            )
    return msg


def _envelope(to: str, subject: str, body: str) -> EmailMessage:
    config = current_app.config
    msg = EmailMessage()
    msg["From"] = formataddr((config["MAIL_FROM_NAME"], config["MAIL_FROM"]))
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    return msg


def send_unstored_after_commit(
    to: str, subject: Any, template: str, locale: str, **context: Any
) -> None:
    """Render a message and send it once the request commits, without ever
    writing it (or the address) to the database: for a message carrying a
    secret, such as a tracking code, to an address the platform must forget.

    It is not retried: if the mail server is unreachable the message is lost
    (the caller shows the secret on the page as well).
    """
    with force_locale(locale):
        msg = _envelope(to, str(subject)[:300], render_template(f"mail/{template}.txt", **context))
    g.setdefault("mail_unstored", []).append(msg)


def _send_unstored(messages: list[EmailMessage]) -> None:
    if not current_app.config.get("MAIL_SERVER"):
        log.warning("%d unstored message(s) dropped: no MAIL_SERVER", len(messages))
        return
    try:
        with _connect() as smtp:
            for msg in messages:
                smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("unstored mail not sent: %s", exc)


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    smtp: smtplib.SMTP
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    return smtp


def send(mails: list[OutgoingMail]) -> int:
    """Send ``mails`` over one SMTP connection; returns how many went out.

    Marks each sent one; a failed one keeps waiting with its error noted.
    The caller commits.
    """
    if not mails or not current_app.config.get("MAIL_SERVER"):
        return 0
    sent = 0
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail server unreachable: %s", exc)
        for mail in mails:
            mail.attempts += 1
            mail.last_error = str(exc)[:500]
        return 0
    with smtp:
        for mail in mails:
            mail.attempts += 1
            try:
                smtp.send_message(_message(mail))
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("mail %s not sent: %s", mail.id, exc)
                mail.last_error = str(exc)[:500]
                continue
            mail.sent_at = utcnow()
            mail.last_error = None
            sent += 1
    return sent


def send_pending(limit: int = 500) -> int:
    """Send queued mail that has not gone out yet (oldest first)."""
    pending = db.session.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
        .order_by(OutgoingMail.id)
        .limit(limit)
    ).all()
    return send(list(pending))


def deliver_queued_after_commit() -> None:
    """Called after the request's commit: send what this request queued."""
    unstored = g.pop("mail_unstored", None)
    if unstored:
        _send_unstored(unstored)
    ids = g.pop("mail_queued", None)
    if not ids or current_app.config["MAIL_DELIVERY"] != "immediate":
        return
    mails = db.session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(ids))).all()
    send(list(mails))
    db.session.commit()
