"""Security headers and safe redirects."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import Flask, Response, request

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
    @app.after_request
    def _headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["HSTS"]:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
