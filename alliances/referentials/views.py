"""Pages of the taxonomies: every list (/taxonomies/) and one list (/taxonomies/<key>/)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from alliances.common.i18n import current_language
from alliances.common.twins import list_response

from .models import Taxonomy, Term

COLUMNS = (
    "taxonomy",
    "taxonomy_name",
    "provisional_list",
    "key",
    "label",
    "label_fr",
    "label_en",
    "parent",
    "position",
    "provisional",
    "details",
    "extra",
)


def _number(value: object, english: bool) -> str:
    text = f"{value:g}" if isinstance(value, int | float) else str(value)
    return text if english else text.replace(".", ",")


def term_details(term: Term) -> list[str]:
    """The term's attributes as readable text in the active language (horizon, activities...)."""
    extra = term.extra or {}
    english = current_language() == "en"
    details = []
    if "horizon_years" in extra:
        details.append(
            _("horizon : %(years)s ans") % {"years": _number(extra["horizon_years"], english)}
        )
    for name, title in (("activities", _("activités")), ("items", _("composantes"))):
        values = extra.get(name)
        if not values:
            continue
        if english and extra.get(f"{name}_en"):
            values = extra[f"{name}_en"]
        details.append(
            _("%(name)s : %(values)s") % {"name": title, "values": ", ".join(map(str, values))}
        )
    return details


def term_row(taxonomy: Taxonomy, term: Term) -> dict:
    return {
        "taxonomy": taxonomy.key,
        "taxonomy_name": taxonomy.name,
        "provisional_list": taxonomy.provisional,
        "key": term.key,
        "label": term.label,
        "label_fr": term.label_fr,
        "label_en": term.label_en,
        "parent": term.parent.key if term.parent_id else "",  # type: ignore[union-attr]
        "position": term.position,
        "provisional": term.provisional,
        "details": term_details(term),
        "extra": term.extra or {},
    }


def _sections(taxonomies: list[Taxonomy]) -> tuple[list[dict], list[dict]]:
    """(sections for the page, flat rows for the twins), live terms only."""
    by_taxonomy: dict[int, list[Term]] = {t.pk: [] for t in taxonomies}
    live = Term.objects.filter(taxonomy__in=taxonomies, obsolete=False).select_related("parent")
    for term in live.order_by("position", "key"):
        by_taxonomy[term.taxonomy_id].append(term)  # type: ignore[attr-defined]
    sections, rows = [], []
    for taxonomy in taxonomies:
        section_rows = [term_row(taxonomy, t) for t in by_taxonomy[taxonomy.pk]]
        sections.append({"taxonomy": taxonomy, "rows": section_rows})
        rows += section_rows
    return sections, rows


def index(request: HttpRequest) -> HttpResponse:
    taxonomies = list(Taxonomy.objects.order_by("position", "key"))
    sections, rows = _sections(taxonomies)
    return list_response(
        request, "referentials/index.html", {"sections": sections}, rows, COLUMNS, "taxonomies"
    )


def taxonomy(request: HttpRequest, key: str) -> HttpResponse:
    found = Taxonomy.objects.filter(key=key).first()
    if found is None:
        raise Http404(
            _("Il n'y a pas de liste « %(key)s ». Les listes existantes sont sur %(url)s.")
            % {"key": key, "url": reverse("referentials:index")}
        )
    sections, rows = _sections([found])
    return list_response(
        request,
        "referentials/taxonomy.html",
        {"section": sections[0], "taxonomy": found},
        rows,
        COLUMNS,
        f"taxonomie-{found.key}",
    )
