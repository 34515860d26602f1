"""From stored answers to what the result page, the PDF and the API show.

Wraps the plain-Python engine and path rule with the library's resources and translations.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from alliances.common.i18n import localized
from alliances.library.models import Resource

from . import engine, paths
from .models import ReferentialVersion


@dataclass
class AxisView:
    key: str
    label: str
    description: str
    score: float | None
    level: int | None
    level_label: str
    level_description: str
    not_applicable: int


@dataclass
class PathItem:
    resource: Resource
    axis: str
    axis_label: str
    axis_level: int
    target_level: int
    why: str


@dataclass
class ResultView:
    version: ReferentialVersion
    result: engine.Result
    axes: list[AxisView]
    level: int | None
    level_label: str
    level_description: str
    levels: list[engine.Level]
    path: list[PathItem] = field(default_factory=list)

    @property
    def weakest(self) -> list[AxisView]:
        return sorted((a for a in self.axes if a.score is not None), key=lambda a: a.score)


def level_label(referential: engine.Referential, level: int | None) -> str:
    if level is None:
        return _("non applicable")
    return localized(referential.level(level), "label")


def resource_pool() -> list[paths.ResourceInfo]:
    """What the path rule reads of every published resource, in 3 flat queries.

    Flat value lists rather than model instances with prefetched relations: the result page
    reads every resource, and instantiating them all would cost more than the whole page.
    """
    published = Resource.objects.published()
    audience: dict[int, set[str]] = {}
    for resource_id, key in Resource.audience.through.objects.filter(
        resource__in=published
    ).values_list("resource_id", "term__key"):
        audience.setdefault(resource_id, set()).add(key)
    domains: dict[int, set[str]] = {}
    for resource_id, key in Resource.domains.through.objects.filter(
        resource__in=published
    ).values_list("resource_id", "term__key"):
        domains.setdefault(resource_id, set()).add(key)
    rows = published.values_list(
        "id", "slug", "title", "kind", "level_1", "level_2", "level_3", "level_4"
    )
    return [
        paths.ResourceInfo(
            slug=slug,
            title=title,
            kind=kind,
            levels=frozenset(n for n, flag in zip((1, 2, 3, 4), flags, strict=True) if flag),
            audience=frozenset(audience.get(pk, ())),
            domains=frozenset(domains.get(pk, ())),
        )
        for pk, slug, title, kind, *flags in rows
    ]


def why_text(axis_label: str, step: paths.Step, referential: engine.Referential) -> str:
    params = {
        "axis": axis_label,
        "level": step.axis_level,
        "level_name": level_label(referential, step.axis_level),
        "target": step.target_level,
        "target_name": level_label(referential, step.target_level),
    }
    if step.named:
        return (
            _(
                "Pour l'axe « %(axis)s », où vous êtes au niveau %(level)s (%(level_name)s) : "
                "le référentiel recommande cette ressource pour atteindre le niveau %(target)s "
                "(%(target_name)s)."
            )
            % params
        )
    return (
        _(
            "Pour l'axe « %(axis)s », où vous êtes au niveau %(level)s (%(level_name)s) : "
            "ressource d'un type que cet axe mobilise, conçue pour le niveau %(target)s "
            "(%(target_name)s)."
        )
        % params
    )


def build_result(
    version: ReferentialVersion,
    answers: dict,
    profile: str | None,
    with_path: bool = True,
) -> ResultView:
    """Score the answers (raises engine.AnswerError) and assemble the result and its path."""
    referential = version.referential
    result = engine.score(referential, answers, profile)
    axes = []
    for axis_result in result.axes:
        axis = referential.axis(axis_result.axis)
        level = referential.level(axis_result.level) if axis_result.level is not None else None
        axes.append(
            AxisView(
                key=axis.key,
                label=localized(axis, "label"),
                description=localized(axis, "description"),
                score=axis_result.score,
                level=axis_result.level,
                level_label=localized(level, "label") if level else _("non applicable"),
                level_description=localized(level, "description") if level else "",
                not_applicable=len(axis_result.not_applicable),
            )
        )
    overall = referential.level(result.level) if result.level is not None else None
    view = ResultView(
        version=version,
        result=result,
        axes=axes,
        level=result.level,
        level_label=localized(overall, "label") if overall else _("non applicable"),
        level_description=localized(overall, "description") if overall else "",
        levels=list(referential.levels),
    )
    if with_path:
        labels = {a.key: a.label for a in axes}
        steps = paths.learning_path(referential, result, profile, resource_pool())
        by_slug = Resource.objects.in_bulk([s.slug for s in steps], field_name="slug")
        for step in steps:
            view.path.append(
                PathItem(
                    resource=by_slug[step.slug],
                    axis=step.axis,
                    axis_label=labels[step.axis],
                    axis_level=step.axis_level,
                    target_level=step.target_level,
                    why=why_text(labels[step.axis], step, referential),
                )
            )
    return view


def answer_error_message(error: engine.AnswerError, question_text: str) -> str:
    """A French (translated) message naming the question, for a refused answer."""
    params = {"question": question_text, "value": error.value}
    messages = {
        "unknown_question": _("Question inconnue : « %(question)s »."),
        "unknown_option": _(
            "Réponse refusée à « %(question)s » : l'option « %(value)s » n'existe pas."
        ),
        "out_of_range": _(
            "Réponse refusée à « %(question)s » : la valeur %(value)s sort de l'échelle."
        ),
        "not_a_number": _("Réponse refusée à « %(question)s » : un nombre entier est attendu."),
        "not_a_list": _("Réponse refusée à « %(question)s » : une liste d'options est attendue."),
        "not_a_choice": _("Réponse refusée à « %(question)s » : une seule option est attendue."),
        "duplicate_option": _("Réponse refusée à « %(question)s » : une option est répétée."),
    }
    return messages.get(error.code, _("Réponse refusée à « %(question)s ».")) % params
