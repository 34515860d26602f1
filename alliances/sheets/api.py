from django.http import HttpRequest
from ninja import Router, Schema

from alliances.apikit.pagination import paginate

from .content import data_version

router = Router(tags=["sheets"])


class SheetOut(Schema):
    kind: str
    kind_label: str
    key: str
    title: str
    html_url: str
    pdf_url: str


class SheetList(Schema):
    count: int
    data_version: str
    results: list[SheetOut]


@router.get("/sheets", response=SheetList, summary="Every reference sheet, with its data version")
def list_sheets(
    request: HttpRequest, kind: str | None = None, page: int = 1, page_size: int = 200
) -> dict:
    """Reference sheets (fiches repères) by kind: `profil`, `domaine`, `region`,
    `departement`, `odd`. `data_version` changes whenever the data behind the sheets change."""
    from .views import sheet_rows

    rows = [r for r in sheet_rows(request) if kind is None or r["kind"] == kind]
    count, results = paginate(rows, page, page_size)
    return {"count": count, "data_version": data_version(), "results": results}
