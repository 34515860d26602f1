"""Render a sheet as HTML or PDF, cached under the data version (a new version rebuilds it)."""

from django.core.cache import caches
from django.http import HttpRequest
from django.template.loader import render_to_string

from alliances.common.i18n import current_language

from .content import build_sheet, data_version
from .subjects import Subject

CACHE_SECONDS = 24 * 3600


def _key(subject: Subject, output: str, version: str) -> str:
    return f"sheet:{output}:{subject.slug}:{current_language()}:{version}"


def sheet_body(subject: Subject, request: HttpRequest | None = None) -> str:
    """The HTML body of a sheet (without the site layout), cached."""
    version = data_version()
    key = _key(subject, "body", version)
    body = caches["sheets"].get(key)
    if body is None:
        body = render_to_string("sheets/_body.html", build_sheet(subject), request=request)
        caches["sheets"].set(key, body, CACHE_SECONDS)
    return body


def sheet_pdf(subject: Subject, base_url: str = "http://127.0.0.1/") -> bytes:
    version = data_version()
    key = _key(subject, "pdf", version)
    document = caches["sheets"].get(key)
    if document is None:
        from weasyprint import HTML

        context = build_sheet(subject)
        html = render_to_string("sheets/sheet_pdf.html", context)
        document = HTML(string=html, base_url=base_url).write_pdf()
        caches["sheets"].set(key, document, CACHE_SECONDS)
    return document
