"""The "contribute" section of each public alliance page: correct it, report a problem."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from .forms import ReportForm


def alliance_section(request: HttpRequest, alliance: object) -> str:
    """Shown on published examples only (drafts are seen by curators, who edit them)."""
    if not getattr(alliance, "is_published", False):
        return ""
    return render_to_string(
        "contributions/alliance_section.html",
        {"alliance": alliance, "form": ReportForm(prefix="signalement")},
        request,
    )
