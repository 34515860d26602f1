"""Building many sheets in parallel processes (the batch command's workers).

A worker is a fresh Python process (spawned, not forked: the chart engine and the database
connections of the parent must not be shared), which sets Django up once and then renders
the sheets it is given, by kind and key.
"""

from __future__ import annotations

import traceback


def init_worker() -> None:
    import django

    django.setup()


def build_one(kind: str, key: str, language: str, verbose: bool = False) -> tuple[bytes, str]:
    """(PDF, "") or (b"", error message) for one sheet; never raises."""
    from django.utils.translation import override

    from .rendering import sheet_pdf
    from .subjects import get_subject

    try:
        subject = get_subject(kind, key)
        if subject is None:
            return b"", "LookupError: sheet subject not found"
        with override(language):
            return sheet_pdf(subject), ""
    except Exception as error:  # noqa: BLE001 - reported by the batch, which goes on
        if verbose:
            traceback.print_exc()
        return b"", f"{type(error).__name__}: {error}"
