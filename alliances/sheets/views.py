from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from alliances.common.i18n import current_language
from alliances.common.twins import list_response

from .content import data_version
from .rendering import sheet_body, sheet_pdf
from .subjects import KINDS, all_subjects, get_subject
from .tasks import request_rebuild, want


def sheet_rows(request: HttpRequest | None = None) -> list[dict]:
    rows = []
    for subject in all_subjects():
        html = reverse("sheets:sheet", args=[subject.kind, subject.key])
        pdf = reverse("sheets:pdf", args=[subject.kind, subject.key])
        rows.append(
            {
                "kind": subject.kind,
                "kind_label": str(KINDS[subject.kind]),
                "key": subject.key,
                "title": subject.title,
                "html_url": request.build_absolute_uri(html) if request else html,
                "pdf_url": request.build_absolute_uri(pdf) if request else pdf,
            }
        )
    return rows


def index(request: HttpRequest) -> HttpResponse:
    rows = sheet_rows()
    groups = [
        {"kind": k, "label": label, "sheets": [r for r in rows if r["kind"] == k]}
        for k, label in KINDS.items()
    ]
    return list_response(
        request,
        "sheets/index.html",
        {"groups": groups, "data_version": data_version()},
        rows,
        ["kind", "key", "title", "html_url", "pdf_url"],
        "fiches-reperes",
    )


def _subject_or_404(kind: str, key: str):  # noqa: ANN202
    subject = get_subject(kind, key)
    if subject is None:
        raise Http404(
            _("Aucune fiche repères pour « %(kind)s / %(key)s ».") % {"kind": kind, "key": key}
        )
    return subject


# A sheet not rendered yet: come back in a minute (the worker renders the 324 pages of the
# shipped base in about that; a large base's in minutes).
PENDING_RETRY_SECONDS = 60


def sheet(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    subject = _subject_or_404(kind, key)
    body = sheet_body(subject, request)
    context = {"subject": subject, "kind_label": KINDS[kind], "sheet": body}
    if not body.pending:
        return render(request, "sheets/sheet.html", context)
    # This page first; the periodic check would ask within ten minutes, asking now costs one
    # queue entry.
    want(subject, current_language())
    request_rebuild()
    response = render(request, "sheets/sheet.html", context, status=503)
    response["Retry-After"] = str(PENDING_RETRY_SECONDS)
    return response


def pdf(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    subject = _subject_or_404(kind, key)
    document = sheet_pdf(subject, request.build_absolute_uri("/"))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fiche-{subject.slug}.pdf"'
    return response
