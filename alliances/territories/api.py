"""API of the territories: /api/v1/territories and /api/v1/territories/{level}/{code}."""

from __future__ import annotations

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from alliances.api.pagination import MAX_PAGE_SIZE, paginate
from alliances.common.text import normalize_name

from .lookups import name_prefix
from .models import Level, Territory
from .paths import territory_url

router = Router(tags=["territories"])
LEVEL_VALUES = ", ".join(Level.values)


class TerritoryOut(Schema):
    code: str = Field(
        description="Official code: INSEE code (région, département, commune), SIREN (EPCI), "
        "'FR' for France."
    )
    name: str = Field(description="Official name.")
    level: str = Field(description=f"Level: one of {LEVEL_VALUES}.")
    level_label: str = Field(description="Label of the level in the active language.")
    parent_level: str | None = Field(description="Level of the direct container.")
    parent_code: str | None = Field(
        description="Code of the direct container: EPCI of a commune (its département when it "
        "has none), département of an EPCI, région of a département, current commune of a "
        "former commune or municipal district, France for a région or overseas collectivity."
    )
    region_code: str | None = Field(
        description="Code of the région it lies in (null overseas COM)."
    )
    departement_code: str | None = Field(description="Code of the département it lies in.")
    epci_code: str | None = Field(description="SIREN of the EPCI it belongs to (communes).")
    population: int | None = Field(
        description="Population municipale (INSEE); for départements, régions and France the "
        "sum of their communes."
    )
    siren: str = Field(description="SIREN number (communes and EPCI), empty when unknown.")
    zone: str = Field(description="metro, drom (overseas département-région) or com.")
    epci_type: str = Field(description="For an EPCI: CC, CA, CU, METRO or MET69.")
    postcodes: list[str] = Field(description="Postcodes (La Poste) of a commune.")
    obsolete: bool = Field(description="True when absent from the current official code.")
    url: str = Field(description="The territory's page on this platform.")


class TerritoryListOut(Schema):
    count: int = Field(description="Number of territories matching (all pages).")
    results: list[TerritoryOut]


class TerritoryFilters(Schema):
    q: str = Field(
        "",
        description="A name (accents, case, hyphens and 'st' abbreviations ignored; exact names "
        "first, then names starting with it, larger populations first), an official code or "
        "a five-digit postcode.",
    )
    level: str = Field("", description=f"Only this level: {LEVEL_VALUES}.")
    parent: str = Field(
        "",
        description="Only territories inside this one, written level:code "
        "(e.g. 'departement:25', 'region:84', 'epci:200046977').",
    )
    obsolete: bool = Field(False, description="Include territories absent from the current code.")
    page: int = Field(1, description="Page number from 1; past the end gives the last page.")
    page_size: int = Field(50, description=f"Results per page, 1-{MAX_PAGE_SIZE}.")


def _out(t: Territory) -> dict:
    return {
        "code": t.code,
        "name": t.name,
        "level": t.level,
        "level_label": str(t.get_level_display()),
        "parent_level": t.parent.level if t.parent else None,
        "parent_code": t.parent.code if t.parent else None,
        "region_code": t.region.code if t.region else None,
        "departement_code": t.departement.code if t.departement else None,
        "epci_code": t.epci.code if t.epci else None,
        "population": t.population,
        "siren": t.siren,
        "zone": t.zone,
        "epci_type": t.epci_type,
        "postcodes": sorted(p.code for p in t.postcodes.all()),
        "obsolete": t.obsolete,
        "url": territory_url(t.level, t.code),
    }


def _within(queryset: QuerySet, parent: str) -> QuerySet:
    level, _sep, code = parent.partition(":")
    container = Territory.objects.filter(level=level, code=code).first()
    if container is None:
        raise HttpError(
            422,
            _("Territoire parent inconnu : « %s » (attendu niveau:code, ex. departement:25).")
            % parent,
        )
    relation = {
        Level.REGION: "region",
        Level.DEPARTEMENT: "departement",
        Level.EPCI: "epci",
    }.get(container.level)
    if container.level == Level.COUNTRY:
        return queryset.exclude(pk=container.pk)
    if relation:
        return queryset.filter(**{relation: container}).exclude(pk=container.pk)
    return queryset.filter(parent=container)


@router.get(
    "/territories",
    response=TerritoryListOut,
    summary="Search territories",
    description="Régions, départements, EPCI, communes (and former communes) of the official "
    "geographic code, filtered by name, level and container.",
)
def list_territories(request: HttpRequest, filters: Query[TerritoryFilters]) -> dict:
    if filters.level and filters.level not in Level.values:
        raise HttpError(422, _("Niveau inconnu : « %s ».") % filters.level)
    if not 1 <= filters.page_size <= MAX_PAGE_SIZE:
        raise HttpError(422, _("page_size doit être entre 1 et %d.") % MAX_PAGE_SIZE)
    queryset = Territory.objects.all()
    if not filters.obsolete:
        queryset = queryset.filter(obsolete=False)
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    if filters.parent:
        queryset = _within(queryset, filters.parent)
    text = filters.q.strip()
    order: list = ["level", "code"]
    if re.fullmatch(r"\d{5}", text):
        queryset = queryset.filter(Q(postcodes__code=text) | Q(code=text)).distinct()
        order = ["-population", "code"]
    elif text:
        folded = normalize_name(text)
        queryset = queryset.filter(
            Q(search_name=folded) | name_prefix(f"{folded} ") | Q(code__iexact=text)
        ).annotate(
            exact=Case(
                When(Q(search_name=folded) | Q(code__iexact=text), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        order = ["exact", "-population", "code"]
    queryset = (
        queryset.order_by(*order)
        .select_related("parent", "region", "departement", "epci")
        .prefetch_related("postcodes")
    )
    count, items = paginate(queryset, filters.page, filters.page_size)
    return {"count": count, "results": [_out(t) for t in items]}


@router.get(
    "/territories/{level}/{code}",
    response=TerritoryOut,
    summary="One territory",
    description="A territory by level and official code; 404 when unknown.",
)
def get_territory(request: HttpRequest, level: str, code: str) -> dict:
    territory = (
        Territory.objects.select_related("parent", "region", "departement", "epci")
        .prefetch_related("postcodes")
        .filter(level=level, code=code)
        .first()
    )
    if territory is None:
        raise HttpError(
            404,
            _("Aucun territoire « %(code)s » au niveau « %(level)s ».")
            % {"code": code, "level": level},
        )
    return _out(territory)
