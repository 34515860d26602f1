"""Run a `ResourceQuery` on the database: filtered results, a page of them, facet counts.

Text search is a LIKE over `Resource.search_text`, a folded (no accents, no case) copy of the
title, publisher and summaries: each folded word of the query must start a word of it. The
same SQL runs on SQLite and PostgreSQL; at 70-1000 resources it answers in milliseconds.

The text is read as the search of alliances reads it (issue 16, docs/library.md):
acronyms and synonyms (`referentials.synonyms`) match any of their names, an unknown word is
corrected from the library's own vocabulary (`common.vocabulary`), a text no resource holds
whole is relaxed to its best partial matches, and with the semantic part on the resources
closest in meaning (`common.vectors`, collection "resource") join the matches, ranked by
reciprocal rank fusion.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alliances.common import embeddings, reindexing, vectors, vocabulary
from alliances.common.text import normalize_name
from alliances.referentials import synonyms
from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal

from .models import MATURITY_LEVELS, Format, Kind, Resource
from .query import FILTERS, ResourceQuery, clamp_page, parse_query

OWNER = "resource"
RRF_K = 60
NEIGHBOURS = 12
MIN_COSINE = 0.80
MAX_BELOW_BEST = 0.05

LANGUAGE_LABELS = {"fr": _("français"), "en": _("anglais")}
PARAM_LABELS = {
    "kind": _("type"),
    "format": _("format"),
    "audience": _("public"),
    "level": _("niveau de maturité"),
    "domain": _("domaine"),
    "sdg": _("ODD"),
    "language": _("langue"),
    "year_min": _("année minimale"),
    "year_max": _("année maximale"),
    "sort": _("tri"),
    "page": _("page"),
    "page_size": _("taille de page"),
}
SORT_LABELS = {
    "relevance": _("pertinence"),
    "title": _("titre"),
    "-year": _("plus récentes d'abord"),
    "year": _("plus anciennes d'abord"),
}
ORDERING = {
    "relevance": ["title", "pk"],  # without text; with text, the fused rank (`_ranked`)
    "title": ["title", "pk"],
    "-year": ["-year", "title", "pk"],
    "year": ["year", "title", "pk"],
}
FACET_LABELS = {
    "kind": _("Type M.E.D.O.C."),
    "format": _("Format"),
    "audience": _("Public"),
    "level": _("Niveau de maturité"),
    "domain": _("Domaine"),
    "sdg": _("ODD"),
    "language": _("Langue"),
}


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Reading:
    """How the text was read: one group of alternatives per word or synonym (each
    alternative: folded words that must all start a word of the resource)."""

    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    synonyms: list[tuple[str, str]] = field(default_factory=list)  # (typed, label)
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (typed, corrected)
    relaxed: bool = False
    vector: Any = None
    neighbours: list[int] = field(default_factory=list)

    @property
    def semantic(self) -> bool:
        return self.vector is not None

    def as_dict(self) -> dict:
        return {
            "synonyms": [{"typed": t, "label": label} for t, label in self.synonyms],
            "corrections": [{"typed": t, "corrected": c} for t, c in self.corrections],
            "relaxed": self.relaxed,
            "semantic": self.semantic,
        }

    def messages(self) -> list[str]:
        out = [
            gettext("Résultats pour « %(corrected)s » (vous avez tapé « %(typed)s »).")
            % {"corrected": c, "typed": t}
            for t, c in self.corrections
        ]
        if self.relaxed:
            out.append(
                gettext("Aucune ressource ne contient tous les mots ; voici les plus proches.")
            )
        return out


@dataclass
class SearchResult:
    query: ResourceQuery
    count: int
    page: int
    last_page: int
    items: list[Resource]
    facets: dict[str, list[FacetValue]]
    reading: Reading = field(default_factory=Reading)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.last_page


def _terms(taxonomy: str) -> list[Term]:
    return list(Term.objects.filter(taxonomy__key=taxonomy, obsolete=False).order_by("position"))


def choices() -> dict[str, list[tuple[str, str]]]:
    """(value, label) of every known value of every filter, in display order."""
    level_terms = {t.key: t.label for t in _terms("maturity_levels")}
    levels = []
    for n in MATURITY_LEVELS:
        name = level_terms.get(str(n))
        label = _("Niveau %(n)s") % {"n": n}
        levels.append((str(n), f"{label} — {name}" if name else str(label)))
    languages = sorted(
        set(Resource.objects.published().values_list("language", flat=True)) | {"fr", "en"}
    )
    return {
        "kind": [(k, str(label)) for k, label in Kind.choices],
        "format": [(k, str(label)) for k, label in Format.choices],
        "audience": [(t.key, t.label) for t in _terms("actor_profiles")],
        "level": levels,
        "domain": [(t.key, t.label) for t in _terms("domains")],
        "sdg": [(str(g.number), f"{g.number}. {g.short}") for g in SdgGoal.objects.all()],
        "language": [(code, str(LANGUAGE_LABELS.get(code, code))) for code in languages],
    }


def parse(params: object, default_page_size: int = 20) -> tuple[ResourceQuery, dict]:
    """Parse request GET parameters (a QueryDict or a mapping of lists) against the DB values."""
    known = choices()
    allowed = {name: [v for v, _label in values] for name, values in known.items()}
    getter = params.getlist if hasattr(params, "getlist") else params  # type: ignore[attr-defined]
    return parse_query(getter, allowed, default_page_size), known


def _words(text: str) -> list[str]:
    return normalize_name(text).split()


def read_text(text: str) -> Reading:
    """Read the text (see the module's docstring)."""
    reading = Reading()
    words = _words(text)
    if not words:
        return reading
    found = synonyms.find(words)
    starts = {f.start: f for f in found}
    covered = {i for f in found for i in range(f.start, f.end)}
    known = vocabulary.vocabulary(OWNER)
    meaning = []
    for position, word in enumerate(words):
        if position in starts:
            span = starts[position]
            typed = " ".join(words[span.start : span.end])
            reading.synonyms.append((typed, span.group.label))
            names = [tuple(_words(n)) for n in span.names]
            reading.groups.append([n for n in dict.fromkeys(names) if n])
            meaning.append(next((n for n in span.names if " " in n), span.names[0]))
        elif position not in covered:
            if known.words and not known.knows(word) and not known.completes(word):
                suggestion = known.suggest(word)
                if suggestion:
                    reading.corrections.append((word, suggestion))
                    word = normalize_name(suggestion)
            reading.groups.append([(word,)])
            meaning.append(word)
    reading.vector = embeddings.embed_query(" ".join(meaning))
    return reading


def _text_condition(reading: Reading, any_group: bool = False) -> Q:
    """search_text is " folded words ": " word" matches a word start, never mid-word."""
    combined = Q()
    for group in reading.groups:
        alternatives = Q()
        for words in group:
            every = Q()
            for word in words:
                every &= Q(search_text__contains=f" {word}")
            alternatives |= every
        combined = (combined | alternatives) if any_group else (combined & alternatives)
    return combined


def filtered(query: ResourceQuery, reading: Reading | None = None) -> QuerySet[Resource]:
    """Published resources matching the text and every filter (OR within one filter);
    with meaning, the closest resources that pass the filters join the text's matches."""
    base = _filters(query)
    reading = reading if reading is not None else read_text(query.text)
    if not reading.groups:
        return base
    matches = base.filter(_text_condition(reading))
    if len(reading.groups) > 1 and not matches.exists():
        reading.relaxed = True
        matches = base.filter(_text_condition(reading, any_group=True))
    if reading.vector is not None:
        reading.neighbours = _neighbours(reading, base)
        if reading.neighbours:
            return base.filter(Q(pk__in=matches.values("pk")) | Q(pk__in=reading.neighbours))
    return matches


def _neighbours(reading: Reading, allowed: QuerySet[Resource]) -> list[int]:
    ids = list(allowed.values_list("pk", flat=True))
    found = vectors.nearest(OWNER, reading.vector, NEIGHBOURS, ids)
    if not found:
        return []
    floor = max(MIN_COSINE, found[0][1] - MAX_BELOW_BEST)
    return [pk for pk, score in found if score >= floor]


def _filters(query: ResourceQuery) -> QuerySet[Resource]:
    qs = Resource.objects.published()
    if query.kind:
        qs = qs.filter(kind__in=query.kind)
    if query.format:
        qs = qs.filter(format__in=query.format)
    if query.language:
        qs = qs.filter(language__in=query.language)
    if query.level:
        any_level = Q()
        for n in query.level:
            any_level |= Q(**{f"level_{n}": True})
        qs = qs.filter(any_level)
    # Many-to-many filters go through a subquery so a resource is never counted twice.
    if query.audience:
        qs = qs.filter(
            pk__in=Resource.audience.through.objects.filter(
                term__key__in=query.audience, term__taxonomy__key="actor_profiles"
            ).values("resource_id")
        )
    if query.domain:
        qs = qs.filter(
            pk__in=Resource.domains.through.objects.filter(
                term__key__in=query.domain, term__taxonomy__key="domains"
            ).values("resource_id")
        )
    if query.sdg:
        qs = qs.filter(
            pk__in=Resource.sdg_goals.through.objects.filter(sdggoal__number__in=query.sdg).values(
                "resource_id"
            )
        )
    if query.year_min is not None:
        qs = qs.filter(year__gte=query.year_min)
    if query.year_max is not None:
        qs = qs.filter(year__lte=query.year_max)
    return qs


def facet_counts(
    qs: QuerySet[Resource], query: ResourceQuery, known: dict[str, list[tuple[str, str]]]
) -> dict[str, list[FacetValue]]:
    """Counts of every value of every filter among the current results."""
    counts: dict[str, Counter] = {name: Counter() for name in FILTERS}
    fields = ["kind", "format", "language"] + [f"level_{n}" for n in MATURITY_LEVELS]
    for row in qs.values_list(*fields):
        kind, fmt, language, *levels = row
        counts["kind"][kind] += 1
        counts["format"][fmt] += 1
        counts["language"][language] += 1
        for n, flag in zip(MATURITY_LEVELS, levels, strict=True):
            if flag:
                counts["level"][str(n)] += 1
    ids = qs.values("pk")
    # One row per (resource, term) pair in a many-to-many table: counting rows counts
    # resources, and a resource with two audiences adds one to each.
    counts["audience"].update(
        Resource.audience.through.objects.filter(resource_id__in=ids).values_list(
            "term__key", flat=True
        )
    )
    counts["domain"].update(
        Resource.domains.through.objects.filter(resource_id__in=ids).values_list(
            "term__key", flat=True
        )
    )
    counts["sdg"].update(
        str(n)
        for n in Resource.sdg_goals.through.objects.filter(resource_id__in=ids).values_list(
            "sdggoal__number", flat=True
        )
    )
    facets = {}
    for name in FILTERS:
        selected = {str(v) for v in query.values(name)}
        facets[name] = [
            FacetValue(value, label, counts[name].get(value, 0), value in selected)
            for value, label in known[name]
        ]
    return facets


def _lexical_rank(resource_text: str, title: str, reading: Reading) -> tuple[int, int]:
    """How well a resource meets the text: groups met in the title, then anywhere."""

    def met(text: str, group: list[tuple[str, ...]]) -> bool:
        return any(all(f" {w}" in text for w in words) for words in group)

    folded_title = f" {normalize_name(title)} "
    return (
        -sum(met(folded_title, g) for g in reading.groups),
        -sum(met(resource_text, g) for g in reading.groups),
    )


def _ranked(qs: QuerySet[Resource], reading: Reading) -> list[int]:
    """Relevance: reciprocal rank fusion of the text's rank and the meaning's."""
    rows = list(qs.order_by("title", "pk").values_list("pk", "search_text", "title"))
    lexical = [
        pk
        for pk, text, title in sorted(rows, key=lambda r: _lexical_rank(r[1], r[2], reading))
        if any(
            any(all(f" {w}" in text for w in words) for words in group) for group in reading.groups
        )
    ]
    score: dict[int, float] = {pk: 0.0 for pk, _t, _n in rows}
    for rank, pk in enumerate(lexical, start=1):
        score[pk] += 1.0 / (RRF_K + rank)
    for rank, pk in enumerate(reading.neighbours, start=1):
        if pk in score:
            score[pk] += 1.0 / (RRF_K + rank)
    order = {pk: i for i, (pk, _t, _n) in enumerate(rows)}
    return sorted(score, key=lambda pk: (-score[pk], order[pk]))


def run(query: ResourceQuery, known: dict[str, list[tuple[str, str]]]) -> SearchResult:
    reading = read_text(query.text)
    qs = filtered(query, reading)
    count = qs.count()
    page, last_page = clamp_page(query.page, count, query.page_size)
    start = (page - 1) * query.page_size
    related = ("audience", "domains", "sdg_goals")
    if query.sort == "relevance" and reading.groups:
        ids = _ranked(qs, reading)[start : start + query.page_size]
        by_id = {r.pk: r for r in Resource.objects.filter(pk__in=ids).prefetch_related(*related)}
        items = [by_id[pk] for pk in ids if pk in by_id]
    else:
        items = list(
            qs.order_by(*ORDERING[query.sort]).prefetch_related(*related)[
                start : start + query.page_size
            ]
        )
    return SearchResult(
        query=query.with_page(page),
        count=count,
        page=page,
        last_page=last_page,
        items=items,
        facets=facet_counts(qs, query, known),
        reading=reading,
    )


# -- keeping the library's vocabulary and vectors in step ---------------------------------------
def _passage(resource: Resource) -> str:
    return embeddings.passage_text(resource.title, resource.summary_fr or resource.summary_en)


def _words_of(resource: Resource) -> list[str]:
    parts = (resource.title, resource.publisher, resource.summary_fr, resource.summary_en)
    return [w for w in _words(" ".join(p for p in parts if p)) if len(w) > 1]


def index_resources(ids: list[int] | None = None, progress: Any = None) -> int:
    """Rewrite the library's vocabulary (all resources when `ids` is None, else add those)
    and embed the resources whose text changed (semantic part on). Returns how many texts
    were embedded."""
    resources = Resource.objects.order_by("pk")
    if ids is not None:
        resources = resources.filter(pk__in=ids)
    rows = list(resources)
    if ids is None:
        vocabulary.replace_all(OWNER, [_words_of(r) for r in rows])
    else:
        vocabulary.add(OWNER, [_words_of(r) for r in rows])
    if not embeddings.enabled():
        return 0
    texts = {r.pk: _passage(r) for r in rows}
    digests = {pk: embeddings.digest(t) for pk, t in texts.items()}
    stored = vectors.digests(OWNER, digests)
    todo = [pk for pk in texts if stored.get(pk) != digests[pk]]
    made = embeddings.embed_passages([texts[pk] for pk in todo], progress)
    vectors.write(OWNER, [(pk, digests[pk], made[i]) for i, pk in enumerate(todo)])
    if ids is None:
        gone = set(vectors.digests_of_all(OWNER)) - set(texts)
        if gone:
            vectors.remove(OWNER, gone)
    return len(todo)


def _saved(sender: type, instance: Resource, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_resources([instance.pk])


def _deleted(sender: type, instance: Resource, **kwargs: Any) -> None:
    if vectors.count(OWNER):
        vectors.remove(OWNER, [instance.pk])


def _stale() -> bool:
    count = Resource.objects.count()
    if count and not vocabulary.vocabulary(OWNER).words:
        return True
    return embeddings.enabled() and vectors.count(OWNER) < count


def connect() -> None:
    """Called from the app's ready(): a saved resource's words and vector follow it, and
    `manage.py reindex` rebuilds them with the alliances' index."""
    uid = "alliances.library.search"
    post_save.connect(_saved, sender=Resource, dispatch_uid=f"{uid}.saved")
    post_delete.connect(_deleted, sender=Resource, dispatch_uid=f"{uid}.deleted")
    reindexing.register(
        reindexing.Collection(
            "ressources",
            total=lambda: Resource.objects.count(),
            rebuild=lambda progress=None: index_resources(None, progress),
            stale=_stale,
        )
    )


def problem_messages(query: ResourceQuery) -> list[str]:
    """Notices (French, translatable) for the values the query ignored."""
    reasons = {
        "unknown": _("la valeur « %(value)s » du filtre « %(param)s » est inconnue : ignorée."),
        "not_a_number": _(
            "la valeur « %(value)s » du filtre « %(param)s » n'est pas un nombre : ignorée."
        ),
        "range": _("la valeur « %(value)s » du filtre « %(param)s » est hors limites : ignorée."),
    }
    return [
        str(reasons[p.reason] % {"value": p.value, "param": PARAM_LABELS.get(p.param, p.param)})
        for p in query.problems
    ]


def _minutes(duration: timedelta | None) -> int | None:
    return None if duration is None else int(duration.total_seconds() // 60)


def resource_row(resource: Resource, request: object = None) -> dict:
    """A resource as a plain dict: the API results and the JSON/CSV twins."""
    url = resource.get_absolute_url()
    if request is not None:
        url = request.build_absolute_uri(url)  # type: ignore[attr-defined]
    return {
        "slug": resource.slug,
        "kind": resource.kind,
        "kind_label": str(resource.get_kind_display()),
        "title": resource.title,
        "summary": resource.summary,
        "publisher": resource.publisher,
        "year": resource.year,
        "format": resource.format,
        "format_label": str(resource.get_format_display()),
        "url": resource.url,
        "licence": resource.licence,
        "language": resource.language,
        "duration_minutes": _minutes(resource.duration),
        "audience": [t.key for t in resource.audience.all()],
        "maturity_levels": resource.maturity_levels,
        "domains": [t.key for t in resource.domains.all()],
        "sdg_goals": [g.number for g in resource.sdg_goals.all()],
        "source_url": resource.source_url,
        "page_url": url,
    }


ROW_COLUMNS = [
    "slug",
    "kind",
    "title",
    "summary",
    "publisher",
    "year",
    "format",
    "url",
    "licence",
    "language",
    "duration_minutes",
    "audience",
    "maturity_levels",
    "domains",
    "sdg_goals",
    "source_url",
    "page_url",
]
