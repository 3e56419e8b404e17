"""Nothing in open data ties anonymous or pseudonymous content to its author:
a distinctive resident posts both ways, a juror with a distinctive name leaves
private notes and scores, and every API response, CSV and feed is parsed and
searched for them, as a visitor and as an official."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from inhabithon.accounts.models import Role
from inhabithon.jury.models import JuryConflict
from inhabithon.projects import services as projects
from inhabithon.results.models import AwardKind
from inhabithon.results.services import AwardChoice, publish_results
from tests.api.helpers import EMAIL, NAME, build

JUROR = "Jorunn Jurymark-Sølvberg"
JUROR_EMAIL = "jorunn.private@example.org"
NOTE = "PRIVATE-JURY-NOTE-7731"
CONFLICT = "PRIVATE-CONFLICT-4410"
CONTACT = "Kontakta Kontaktsson"
CONTACT_EMAIL = "kontakt.private@example.org"


def _world(make, db):
    w = build(make, db)
    jury_round = make.jury_round(w.done)
    juror = make.juror(jury_round, make.user(Role.JURY, name=JUROR, email=JUROR_EMAIL))
    sheet = make.sheet(juror, w.anonymous_idea, [4, 3])
    sheet.sheet.comment = NOTE
    make.sheet(juror, w.pseudonymous_idea, [1, 2])
    db.add(JuryConflict(juror_id=juror.id, idea_id=w.named_idea.id, reason=CONFLICT))
    db.commit()
    with make.context():
        projects.add_contact(None, make.session.merge(w.project), CONTACT, CONTACT_EMAIL)
    db.commit()
    with make.context():
        publish_results(
            make.user(Role.OFFICIAL),
            w.done,
            [
                AwardChoice(AwardKind.WINNER, w.anonymous_idea.id, "Bright."),
                AwardChoice(AwardKind.RUNNER_UP, w.pseudonymous_idea.id, "Close."),
            ],
        )
    db.commit()
    return w, juror


def _strings(value):
    """Every string and number in a parsed JSON value, keys included."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def _outputs(client, w):
    """(address, the texts it gives) for every open-data output, parsed."""
    urls = ["/api/v1/", "/api/v1/openapi.json"]
    for name in ("events", "challenges", "ideas", "results", "projects"):
        url = f"/api/v1/{name}?limit=2"
        while url:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.get_json()
            urls.extend(item["api_url"] for item in body["data"])
            yield url, list(_strings(body))
            url = body["next"]
    for url in [*urls, f"/api/v1/ideas/{w.pending_idea.id}", f"/api/v1/ideas/{w.hidden_idea.id}"]:
        yield url, list(_strings(client.get(url).get_json()))
    for slug in (w.done.slug, w.voting.slug, w.draft.slug):
        for kind in ("ideas", "results"):
            url = f"/challenges/{slug}/{kind}.csv"
            response = client.get(url)
            if response.status_code == 200:
                text = response.data.decode("utf-8-sig")
                yield url, [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        url = f"/challenges/{slug}/ideas.atom"
        response = client.get(url)
        if response.status_code == 200:
            root = ET.fromstring(response.data)  # noqa: S314 - our own feed, in a test
            texts = [t for el in root.iter() for t in (el.text, *el.attrib.values()) if t]
            yield url, texts
    response = client.get("/projects.csv")
    yield (
        "/projects.csv",
        [c for r in csv.reader(io.StringIO(response.data.decode("utf-8-sig"))) for c in r],
    )


def _leaks(texts, w, juror):
    joined = "\n".join(texts).lower()
    found = [
        needle
        for needle in (
            NAME,
            "Zebulonia",
            EMAIL,
            JUROR,
            "Jorunn",
            JUROR_EMAIL,
            NOTE,
            CONFLICT,
            CONTACT_EMAIL,
        )
        if needle.lower() in joined
    ]
    found += [key for key in texts if key in ("email", "author_id", "user_id", "juror", "scores")]
    # No e-mail address of anyone (every account in the world has one).
    found += re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", "\n".join(texts))
    # The jurors' own score values never come out, only published aggregates.
    found += [key for key in texts if key in ("criterion_means", "sheet", "comment_private")]
    return found


@pytest.mark.parametrize("viewer", ["visitor", "official"])
def test_no_output_names_the_author_the_jurors_or_their_notes(client, make, db, viewer):
    w, juror = _world(make, db)
    if viewer == "official":
        client.login(make.user(Role.OFFICIAL))
    problems = []
    checked = 0
    for url, texts in _outputs(client, w):
        checked += 1
        leaks = _leaks(texts, w, juror)
        if leaks:
            problems.append(f"{url}: {leaks}")
    assert checked > 15
    assert not problems, "\n".join(problems)


def test_the_outputs_do_carry_the_content_being_guarded(client, make, db):
    """The search is worth something: the ideas and the pseudonym are there."""
    w, juror = _world(make, db)
    texts = "\n".join(t for _url, ts in _outputs(client, w) for t in ts)
    assert w.pseudonym in texts
    assert "Benches by the water" in texts
    assert "Nils Named" in texts  # a named author is named
    assert _leaks([NAME], w, juror) == [NAME, "Zebulonia"]
    assert _leaks(["email"], w, juror) == ["email"]
    assert _leaks(["write to someone@example.org"], w, juror) == ["someone@example.org"]


def test_a_pseudonym_of_one_challenge_is_not_shown_in_another(client, make, db):
    w, _juror = _world(make, db)
    body = json.dumps(client.get(f"/api/v1/ideas?challenge={w.voting.slug}").get_json())
    assert w.pseudonym not in body
