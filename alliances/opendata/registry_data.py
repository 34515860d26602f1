"""Reads the published alliances of a search into registry records (see registry.py)."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from alliances.base.models import Alliance, Partner, Source
from alliances.base.search.executor import search_queryset
from alliances.base.search.query import SearchQuery

from .registry import RegistryActivity, RegistryPartner

CHUNK = 2000
_NOT_REF = re.compile(r"[^A-Za-z0-9.-]+")


def publisher_ref(request: HttpRequest) -> str:
    """The IATI identifier of the publisher: the setting, else a local one from the host."""
    if settings.ALLIANCES_IATI_ORG_REF:
        return settings.ALLIANCES_IATI_ORG_REF
    host = _NOT_REF.sub("-", request.get_host().split(":")[0]).strip("-") or "localhost"
    return f"LOCAL-{host}"


def registry_activities(query: SearchQuery, base_url: str) -> list[RegistryActivity]:
    """The published alliances of the query (drafts never), chunk by chunk."""
    ids = list(search_queryset(query).values_list("pk", flat=True))
    pattern = base_url + reverse("base:alliance", args=["slug-placeholder"])
    out: list[RegistryActivity] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        records = {
            row["pk"]: RegistryActivity(
                slug=row["slug"],
                title=row["title"],
                url=pattern.replace("slug-placeholder", row["slug"]),
                kind=row["kind"],
                summary=row["summary"],
                description=row["description"],
                place=row["territory__name"] or "",
                place_code=(
                    f"{row['territory__level']}:{row['territory__code']}"
                    if row["territory__level"]
                    else ""
                ),
                start_year=row["start_year"],
                end_year=row["end_year"],
                updated=row["updated_at"],
            )
            for row in Alliance.objects.filter(pk__in=chunk).values(
                "pk",
                "slug",
                "title",
                "kind",
                "summary",
                "description",
                "territory__name",
                "territory__level",
                "territory__code",
                "start_year",
                "end_year",
                "updated_at",
            )
        }
        for alliance_id, name, role, profile in (
            Partner.objects.filter(alliance_id__in=chunk)
            .order_by("alliance_id", "position", "id")
            .values_list("alliance_id", "organisation__name", "role", "organisation__profile__key")
        ):
            records[alliance_id].partners.append(RegistryPartner(name, role, profile or ""))
        for alliance_id, number in Alliance.sdg_goals.through.objects.filter(
            alliance_id__in=chunk
        ).values_list("alliance_id", "sdggoal__number"):
            records[alliance_id].sdg_goals.append(number)
        for alliance_id, code in Alliance.sdg_targets.through.objects.filter(
            alliance_id__in=chunk
        ).values_list("alliance_id", "sdgtarget__code"):
            records[alliance_id].sdg_targets.append(code)
        # The activities are written in French (xml:lang="fr"): French labels.
        for alliance_id, key, label in (
            Alliance.domains.through.objects.filter(alliance_id__in=chunk)
            .order_by("term__key")
            .values_list("alliance_id", "term__key", "term__label_fr")
        ):
            records[alliance_id].domains.append((key, label))
        for alliance_id, url, title in (
            Source.objects.filter(alliance_id__in=chunk)
            .order_by("-id")
            .values_list("alliance_id", "url", "title")
        ):
            # Ordered by -id: the first source of each alliance is written last and stays.
            records[alliance_id].source_url = url
            records[alliance_id].source_title = title
        out += [records[pk] for pk in chunk if pk in records]
    return out
