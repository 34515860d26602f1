"""Open API of the observatory: figures with their 95 % intervals, indicators, studies,
programmes. Lists answer {"count", "results"} with `page` and `page_size`."""

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from alliances.api.auth import CuratorApiKey
from alliances.api.pagination import paginate

from .figures import figure_row, published_figures
from .importer import ImportFileError, import_figures
from .models import Indicator, Programme, Study

router = Router(tags=["observatory"])


class FigureOut(Schema):
    indicator: str
    population: str
    territory: str | None
    scope: str
    year: int
    approximate_year: bool
    value: float
    n: int | None
    n_is_lower_bound: bool
    sample_total: int | None
    ci_low: float | None
    ci_high: float | None
    source: str
    sources: list[str]
    note: str


class FigureList(Schema):
    count: int
    results: list[FigureOut]


class IndicatorOut(Schema):
    key: str
    label_fr: str
    label_en: str
    statement_fr: str
    statement_en: str
    theme: str
    figures: int


class IndicatorList(Schema):
    count: int
    results: list[IndicatorOut]


class StudyOut(Schema):
    key: str
    title: str
    programme: str | None
    year: int | None
    pollster: str
    fieldwork: str
    method: str
    population: str
    sample_size: int | None
    territory: str | None
    publication_url: str


class StudyList(Schema):
    count: int
    results: list[StudyOut]


class ProgrammeOut(Schema):
    key: str
    name: str
    start_year: int | None
    end_year: int | None
    observatory_wave: bool


class ProgrammeList(Schema):
    count: int
    results: list[ProgrammeOut]


@router.get("/observatory/figures", response=FigureList)
def list_figures(
    request: HttpRequest,
    indicator: str | None = None,
    population: str | None = None,
    territory: str | None = None,
    year: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> dict:
    """Figures, filtered by indicator key, population key, territory code (the nation is
    `FR`) and year; each with its 95 % Wilson interval when the sample size is known."""
    figures = published_figures().order_by("indicator__key", "year", "population__key", "key")
    if indicator:
        figures = figures.filter(indicator__key=indicator)
    if population:
        figures = figures.filter(population__key=population)
    if territory:
        figures = figures.filter(territory__code=territory)
    if year:
        figures = figures.filter(year=year)
    count, items = paginate(figures, page, page_size)
    return {"count": count, "results": [figure_row(f) for f in items]}


@router.get("/observatory/indicators", response=IndicatorList)
def list_indicators(request: HttpRequest, page: int = 1, page_size: int = 50) -> dict:
    from django.db.models import Count, Q

    items = Indicator.objects.annotate(
        figures_count=Count("figures", filter=Q(figures__obsolete=False))
    ).order_by("key")
    count, page_items = paginate(items, page, page_size)
    return {
        "count": count,
        "results": [
            {
                "key": i.key,
                "label_fr": i.label_fr,
                "label_en": i.label_en,
                "statement_fr": i.statement_fr,
                "statement_en": i.statement_en,
                "theme": i.theme,
                "figures": i.figures_count,
            }
            for i in page_items
        ],
    }


@router.get("/observatory/studies", response=StudyList)
def list_studies(request: HttpRequest, page: int = 1, page_size: int = 50) -> dict:
    items = (
        Study.objects.filter(obsolete=False)
        .select_related("programme", "territory")
        .order_by("year", "key")
    )
    count, page_items = paginate(items, page, page_size)
    return {
        "count": count,
        "results": [
            {
                "key": s.key,
                "title": s.title,
                "programme": s.programme.key if s.programme else None,
                "year": s.year,
                "pollster": s.pollster,
                "fieldwork": s.fieldwork,
                "method": s.method,
                "population": s.population_label,
                "sample_size": s.sample_size,
                "territory": s.territory.code if s.territory else None,
                "publication_url": s.publication_url,
            }
            for s in page_items
        ],
    }


@router.get("/observatory/programmes", response=ProgrammeList)
def list_programmes(request: HttpRequest, page: int = 1, page_size: int = 50) -> dict:
    count, items = paginate(Programme.objects.order_by("position", "key"), page, page_size)
    return {
        "count": count,
        "results": [
            {
                "key": p.key,
                "name": p.name,
                "start_year": p.start_year,
                "end_year": p.end_year,
                "observatory_wave": p.is_observatory_wave,
            }
            for p in items
        ],
    }


class ImportIssueOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    ok: bool
    written: bool
    rows: int
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    issues: list[ImportIssueOut]


@router.post(
    "/observatory/figures/import",
    response={200: ImportOut, 400: ImportOut, 422: dict},
    auth=CuratorApiKey(),
    summary="Import figures from a CSV or XLSX file (curators, API key)",
)
def import_figures_endpoint(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008 - django-ninja declares parameters so
    dry_run: bool = Form(True),  # noqa: B008
) -> Status:
    """Checks every row first (dry run by default); with `dry_run=false`, writes all rows or
    none. Needs an API key of a curator in the `X-API-Key` header."""
    try:
        report = import_figures(file.read(), file.name or "import.csv", dry_run=dry_run)
    except ImportFileError as error:
        return Status(422, {"detail": str(error)})
    payload = {
        "ok": report.ok,
        "written": report.written,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "issues": [
            {"row": i.row, "column": i.column, "message": str(i.message)} for i in report.issues
        ],
    }
    return Status(200 if report.ok else 400, payload)
