"""The subjects of the reference sheets: actor profiles, domains, régions, départements, SDGs.

A subject knows how to find its alliances (one queryset filter) so that every part of the
sheet (counts, breakdowns, examples, map) speaks of the same set.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alliances.base.models import Alliance
from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal
from alliances.sdg.rules import BY_DEFINITION_GOAL
from alliances.territories.models import Level, Territory

# URL segment -> label of the kind. French segments, the same in both languages.
KINDS = {
    "profil": _("Profils d'acteurs"),
    "domaine": _("Domaines"),
    "region": _("Régions"),
    "departement": _("Départements"),
    "odd": _("Objectifs de développement durable"),
}


@dataclass(frozen=True)
class Subject:
    kind: str
    key: str
    title: str
    obj: object

    @property
    def alliance_filter(self) -> Q:
        if self.kind == "profil":
            return Q(partners__organisation__profile=self.obj)
        if self.kind == "domaine":
            return Q(domains=self.obj)
        # Territories are found first (a few thousand rows, indexed), then their alliances by
        # the indexed territory column: far cheaper than joining every alliance to its place.
        if self.kind in ("region", "departement"):
            inside = Territory.objects.filter(**{self.kind: self.obj}).values("id")
            # Its main territory, or one of its other territories, lies in the place.
            others = Alliance.other_territories.through.objects.filter(territory__in=inside)
            return Q(territory__in=inside) | Q(id__in=others.values("alliance_id"))
        # A goal, or one of its targets (as the search and the facet counts understand it);
        # goal 17 applies to every alliance by definition (alliances.sdg.rules).
        if getattr(self.obj, "number", None) == BY_DEFINITION_GOAL:
            return Q()
        goals = Alliance.sdg_goals.through.objects.filter(sdggoal=self.obj)
        targets = Alliance.sdg_targets.through.objects.filter(sdgtarget__goal=self.obj)
        return Q(id__in=goals.values("alliance_id")) | Q(id__in=targets.values("alliance_id"))

    @property
    def is_territory(self) -> bool:
        return self.kind in ("region", "departement")

    @property
    def slug(self) -> str:
        return f"{self.kind}-{self.key}"


def _subject(kind: str, obj: object) -> Subject:
    if kind in ("profil", "domaine"):
        return Subject(kind, obj.key, obj.label, obj)
    if kind in ("region", "departement"):
        return Subject(kind, obj.code, obj.name, obj)
    return Subject(kind, str(obj.number), f"{obj.number}. {obj.short}", obj)


def subjects_of(kind: str) -> list[Subject]:
    if kind == "profil":
        objects = Term.objects.filter(
            taxonomy__key="actor_profiles", parent__isnull=True, obsolete=False
        )
    elif kind == "domaine":
        objects = Term.objects.filter(taxonomy__key="domains", obsolete=False)
    elif kind == "region":
        objects = Territory.objects.filter(level=Level.REGION, obsolete=False).order_by("code")
    elif kind == "departement":
        objects = Territory.objects.filter(level=Level.DEPARTEMENT, obsolete=False).order_by("code")
    elif kind == "odd":
        objects = SdgGoal.objects.all()
    else:
        return []
    return [_subject(kind, obj) for obj in objects]


def all_subjects() -> list[Subject]:
    return [s for kind in KINDS for s in subjects_of(kind)]


def get_subject(kind: str, key: str) -> Subject | None:
    if kind == "profil":
        obj = Term.objects.filter(taxonomy__key="actor_profiles", parent__isnull=True, key=key)
    elif kind == "domaine":
        obj = Term.objects.filter(taxonomy__key="domains", key=key)
    elif kind == "region":
        obj = Territory.objects.filter(level=Level.REGION, code=key)
    elif kind == "departement":
        obj = Territory.objects.filter(level=Level.DEPARTEMENT, code=key)
    elif kind == "odd":
        obj = SdgGoal.objects.filter(number=int(key)) if key.isdigit() else SdgGoal.objects.none()
    else:
        return None
    found = obj.first()
    return _subject(kind, found) if found else None
