"""Security headers, the reverse-proxy setting and safe redirects."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it stays on this site, else ``fallback``."""
    if not target:
        return fallback
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if any(ord(c) < 32 for c in target):
        return fallback
    joined = urlsplit(urljoin(request.host_url, target))
    if joined.netloc != urlsplit(request.host_url).netloc:
        return fallback
    return target


def init_app(app: Flask) -> None:
    x_for = int(app.config.get("PROXY_FIX_X_FOR", 0))
    x_proto = int(app.config.get("PROXY_FIX_X_PROTO", 0))
    if x_for or x_proto:
        # Trust X-Forwarded-For/-Proto from exactly this many proxies, so that
        # request.remote_addr (rate limits, vote networks) and request.is_secure
        # (HSTS, links in e-mails) are the client's, not the proxy's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto)  # type: ignore[method-assign]
    hsts = f"max-age={int(app.config.get('HSTS_MAX_AGE', 31536000))}; includeSubDomains"

    @app.after_request
    def _headers(response: Response) -> Response:
        # Each one unless the view set its own; the names there looked at once
        # (a kept page comes with them all: seven searches of its headers each).
        h = response.headers
        present = {name.lower() for name, _value in h}
        for name, value in _SECURITY_HEADERS:
            if name.lower() not in present:
                h.add(name, value)
        # Browsers ignore HSTS over plain HTTP; sending it only on HTTPS keeps
        # a development server on http:// usable.
        if app.config["HSTS"] and request.is_secure:
            h.setdefault("Strict-Transport-Security", hsts)
        return response


_SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
