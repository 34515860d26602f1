"""Step 3 of a search: load the page's alliances as `Hit`s, from plain rows.

Four small raw queries per page (the ORM's compilation of 8 queries cost more than running
them, at 20 results a page); no model instances.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Prefetch
from django.urls import reverse

from ..models import Alliance, Partner
from . import references
from .analysis import snippet
from .schema import marks, tables


@dataclass
class Hit:
    """One result as the list shows it."""

    id: int
    slug: str
    url: str
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    summary: str
    description: str
    start_year: int | None
    end_year: int | None
    territory: dict[str, Any] | None
    region: str | None
    stage: str | None
    stage_label: str
    light: str = ""
    light_label: str = ""
    types: list[tuple[str, str]] = field(default_factory=list)
    domains: list[tuple[str, str]] = field(default_factory=list)
    sdg_goals: list[int] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    snippet: str = ""
    title_html: str = ""
    # Outside the results proper: the scale of a covering alliance ("à l'échelle de la
    # région") or where a nearby one is ("à proximité : Tarn, à 45 km").
    note: str = ""
    distance_km: float | None = None

    @property
    def pk(self) -> int:
        return self.id

    def row(self) -> dict[str, Any]:
        """The result as a plain dict (API, JSON twin, portals)."""
        return {
            "id": self.id,
            "slug": self.slug,
            "url": self.url,
            "kind": self.kind,
            "title": self.title,
            "summary": self.summary,
            "snippet_html": self.snippet,
            "territory": self.territory,
            "region": self.region,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "stage": self.stage,
            "status_light": self.light or None,
            "types": [key for key, _label in self.types],
            "domains": [key for key, _label in self.domains],
            "sdg_goals": self.sdg_goals,
            "profiles": self.profiles,
            "partners": self.partners,
            "status": self.status,
            "note": self.note,
            "distance_km": self.distance_km,
        }


@dataclass
class _Rows:
    """What the four queries read, by alliance id."""

    main: dict[int, tuple]
    places: dict[int, tuple]
    tagged: list[tuple[int, int, str]]
    goals: dict[int, list[int]]
    partners: dict[int, list[tuple[str, int]]]


def _read(ids: list[int], using: str) -> _Rows:
    t = tables()
    m = marks(ids)
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT a.id, a.slug, a.title, a.kind, a.summary, a.description, a.status, "
            "a.start_year, a.end_year, a.territory_id, a.stage_id, a.status_light, "
            "tr.name, tr.level, tr.code, rg.code "
            f"FROM {t.alliance} a LEFT JOIN {t.territory} tr ON tr.id = a.territory_id "
            f"LEFT JOIN {t.territory} rg ON rg.id = tr.region_id WHERE a.id IN ({m})",
            ids,
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"SELECT {t.types.alliance}, {t.types.other}, 't' FROM {t.types.table} "
            f"WHERE {t.types.alliance} IN ({m}) UNION ALL "
            f"SELECT {t.domains.alliance}, {t.domains.other}, 'd' FROM {t.domains.table} "
            f"WHERE {t.domains.alliance} IN ({m}) UNION ALL "
            f"SELECT x.{t.goals.alliance}, g.number, 'g' FROM {t.goals.table} x "
            f"JOIN {t.goal} g ON g.id = x.{t.goals.other} WHERE x.{t.goals.alliance} IN ({m})",
            [*ids, *ids, *ids],
        )
        tagged = cursor.fetchall()
        cursor.execute(
            f"SELECT p.alliance_id, o.name, o.profile_id FROM {t.partner} p "
            f"JOIN {t.organisation} o ON o.id = p.organisation_id "
            f"WHERE p.alliance_id IN ({m}) ORDER BY p.alliance_id, p.position, p.id",
            ids,
        )
        partner_rows = cursor.fetchall()
    goals: dict[int, list[int]] = {}
    for alliance_id, number, which in tagged:
        if which == "g":
            goals.setdefault(alliance_id, []).append(number)
    partners: dict[int, list[tuple[str, int]]] = {}
    for alliance_id, name, profile_id in partner_rows:
        partners.setdefault(alliance_id, []).append((name, profile_id))
    return _Rows(
        main={row[0]: row[:12] for row in rows},
        places={row[9]: (row[12], row[13], row[14], row[15]) for row in rows if row[9]},
        tagged=[row for row in tagged if row[2] != "g"],
        goals=goals,
        partners=partners,
    )


def _term_labels(rows: _Rows, using: str) -> dict[int, tuple[str, str]]:
    term_ids = {row[10] for row in rows.main.values() if row[10]}
    term_ids |= {x for _a, x, _k in rows.tagged}
    term_ids |= {p for plist in rows.partners.values() for _n, p in plist}
    by_id = references.terms(using).by_id
    return {pk: (by_id[pk].key, by_id[pk].label) for pk in term_ids if pk in by_id}


def load_hits(ids: list[int], terms: list, using: str) -> list[Hit]:
    """The results of a page as `Hit`s, in the order of `ids`."""
    if not ids:
        return []
    rows = _read(ids, using)
    labels = _term_labels(rows, using)
    by_kind: dict[str, dict[int, list[tuple[str, str]]]] = {"t": {}, "d": {}}
    for alliance_id, term_id, which in rows.tagged:
        if term_id in labels:
            by_kind[which].setdefault(alliance_id, []).append(labels[term_id])
    kinds = dict(Alliance.Kind.choices)
    statuses = dict(Alliance.Status.choices)
    lights = dict(Alliance.StatusLight.choices)
    pattern = reverse("base:alliance", kwargs={"slug": "slug-placeholder"})
    hits = []
    for pk in ids:
        row = rows.main.get(pk)
        if row is None:
            continue
        _id, slug, title, kind, summary, description, status, start, end, tid, stage, light = row
        place = rows.places.get(tid)
        stage_key, stage_label = labels.get(stage, (None, "")) if stage else (None, "")
        partners = rows.partners.get(pk, [])
        hits.append(
            Hit(
                id=pk,
                slug=slug,
                url=pattern.replace("slug-placeholder", slug),
                title=title,
                kind=kind,
                kind_label=str(kinds.get(kind, kind)),
                status=status,
                status_label=str(statuses.get(status, status)),
                summary=summary,
                description=description,
                start_year=start,
                end_year=end,
                territory=(
                    {"level": place[1], "code": place[2], "name": place[0]} if place else None
                ),
                region=place[3] if place else None,
                stage=stage_key,
                stage_label=stage_label,
                light=light,
                light_label=str(lights.get(light, "")),
                types=sorted(by_kind["t"].get(pk, [])),
                domains=sorted(by_kind["d"].get(pk, [])),
                sdg_goals=sorted(rows.goals.get(pk, [])),
                profiles=sorted({labels[p][0] for _n, p in partners if p in labels}),
                partners=[name for name, _p in partners],
                snippet=snippet(summary or description or "", terms),
                title_html=snippet(title, terms, length=400),
            )
        )
    return hits


def load_alliances(ids: list[int], using: str) -> list[Alliance]:
    """Model instances with what a result shows, in the order of `ids` (similar alliances)."""
    if not ids:
        return []
    objects = (
        Alliance.objects.using(using)
        .filter(pk__in=ids)
        .select_related("territory", "territory__region", "stage")
        .prefetch_related(
            "domains",
            "partnership_types",
            "sdg_goals",
            Prefetch(
                "partners",
                queryset=Partner.objects.select_related("organisation", "organisation__profile"),
            ),
        )
    )
    by_id = {a.pk: a for a in objects}
    return [by_id[i] for i in ids if i in by_id]
