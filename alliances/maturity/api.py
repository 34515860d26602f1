"""API of the maturity part: a referential's active version, and scoring answers."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from alliances.common.i18n import localized

from . import engine
from .models import ReferentialVersion
from .results import answer_error_message, build_result

router = Router(tags=["maturity"])


class MaturityErrorOut(Schema):
    detail: str
    question: str | None = None


class ReferentialOut(Schema):
    key: str
    version: int
    target: str
    title: str
    loaded_at: str
    content: dict[str, Any]


# A key is a short slug: anything else (a NUL byte above all, which PostgreSQL refuses in a
# text parameter) is refused as invalid input before the database is asked.
KEY = Field(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class DiagnosisIn(Schema):
    referential: str = KEY
    profile: str = KEY
    answers: dict[str, Any]


class AxisOut(Schema):
    axis: str
    label: str
    score: float | None
    level: int | None
    level_label: str
    not_applicable: list[str]


class PathOut(Schema):
    rank: int
    slug: str
    title: str
    kind: str
    url: str
    axis: str
    axis_level: int
    target_level: int
    why: str


class DiagnosisOut(Schema):
    referential: str
    version: int
    profile: str
    score: float | None
    level: int | None
    level_label: str
    missing: list[str]
    axes: list[AxisOut]
    path: list[PathOut]


@router.get(
    "/referentials/{key}",
    response={200: ReferentialOut, 404: MaturityErrorOut},
    summary="Active version of a maturity referential",
)
def get_referential(request: HttpRequest, key: str) -> Status:
    """The active version of a maturity referential (`organisation`, `territoire`...): axes,
    questions, options with points, rules, level thresholds, as curators wrote it."""
    version = ReferentialVersion.objects.active().filter(key=key).first()
    if version is None:
        return Status(404, {"detail": _("Référentiel inconnu : « %(key)s ».") % {"key": key}})
    return Status(
        200,
        {
            "key": version.key,
            "version": version.version,
            "target": version.target,
            "title": localized(version, "title"),
            "loaded_at": version.loaded_at.isoformat(),
            "content": version.content,
        },
    )


@router.post(
    "/diagnoses",
    response={200: DiagnosisOut, 404: MaturityErrorOut, 422: MaturityErrorOut},
    summary="Score a self-diagnosis",
)
def post_diagnosis(request: HttpRequest, payload: DiagnosisIn) -> Status:
    """Answers in (`{question key: option key | [option keys] | integer}`), scores, levels
    and learning path out. Nothing is stored. An unknown question or option, or a value out
    of its scale, is refused with 422 and names the question."""
    version = ReferentialVersion.objects.active().filter(key=payload.referential).first()
    if version is None:
        return Status(
            404, {"detail": _("Référentiel inconnu : « %(key)s ».") % {"key": payload.referential}}
        )
    if payload.profile not in engine.ACTOR_PROFILES:
        return Status(
            422,
            {
                "detail": _("Profil d'acteur inconnu : « %(profile)s ».")
                % {"profile": payload.profile}
            },
        )
    try:
        view = build_result(version, payload.answers, payload.profile)
    except engine.AnswerError as error:
        question = version.referential.question(error.question)
        text = localized(question, "text") if question else error.question
        return Status(
            422, {"detail": answer_error_message(error, text), "question": error.question}
        )
    return Status(
        200,
        {
            "referential": version.key,
            "version": version.version,
            "profile": payload.profile,
            "score": view.result.score,
            "level": view.level,
            "level_label": view.level_label,
            "missing": list(view.result.missing),
            "axes": [
                {
                    "axis": a.key,
                    "label": a.label,
                    "score": a.score,
                    "level": a.level,
                    "level_label": a.level_label,
                    "not_applicable": list(view.result.axis(a.key).not_applicable),
                }
                for a in view.axes
            ],
            "path": [
                {
                    "rank": rank,
                    "slug": item.resource.slug,
                    "title": item.resource.title,
                    "kind": item.resource.kind,
                    "url": request.build_absolute_uri(item.resource.get_absolute_url()),
                    "axis": item.axis,
                    "axis_level": item.axis_level,
                    "target_level": item.target_level,
                    "why": item.why,
                }
                for rank, item in enumerate(view.path, start=1)
            ],
        },
    )
