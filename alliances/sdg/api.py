"""API of the SDGs: the 17 goals with their targets, in both languages."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from alliances.apikit.errors import ErrorOut
from alliances.apikit.pagination import paginate

from .models import SdgGoal, SdgTarget

router = Router(tags=["sdg"])


class TargetOut(Schema):
    code: str = Field(description='Official code "goal.target", e.g. "17.17" or "4.a".')
    position: int = Field(description="Rank in the goal: numeric targets first, then lettered.")
    title: str = Field(description="Text in the language of the request (Accept-Language).")
    title_fr: str
    title_en: str


class GoalOut(Schema):
    number: int = Field(description="1 to 17.")
    short: str = Field(description="Short name in the language of the request.")
    short_fr: str
    short_en: str
    title: str = Field(description="Full title in the language of the request.")
    title_fr: str
    title_en: str
    page_url: str = Field(description="The goal's page on this platform (/odd/<n>/).")
    targets: list[TargetOut]


class GoalListOut(Schema):
    count: int = Field(description="Number of goals (17 once loaded).")
    results: list[GoalOut]


def _target(target: SdgTarget) -> dict:
    return {
        "code": target.code,
        "position": target.position,
        "title": target.title,
        "title_fr": target.title_fr,
        "title_en": target.title_en,
    }


def _goal(goal: SdgGoal, request: HttpRequest) -> dict:
    return {
        "number": goal.number,
        "short": goal.short,
        "short_fr": goal.short_fr,
        "short_en": goal.short_en,
        "title": goal.title,
        "title_fr": goal.title_fr,
        "title_en": goal.title_en,
        "page_url": request.build_absolute_uri(reverse("sdg:goal", kwargs={"number": goal.number})),
        # Prefetched and ordered by the model's Meta (position).
        "targets": [_target(t) for t in goal.targets.all()],
    }


@router.get("/sdg/goals", response=GoalListOut, summary="The 17 SDGs with their targets")
def list_goals(request: HttpRequest, page: int = 1, page_size: int = 20) -> dict:
    goals = SdgGoal.objects.prefetch_related("targets").order_by("number")
    count, items = paginate(goals, page, page_size)
    return {"count": count, "results": [_goal(g, request) for g in items]}


@router.get(
    "/sdg/goals/{number}",
    response={200: GoalOut, 404: ErrorOut},
    summary="One SDG with its targets",
)
def get_goal(request: HttpRequest, number: int) -> dict:
    goal = SdgGoal.objects.prefetch_related("targets").filter(number=number).first()
    if goal is None:
        raise HttpError(
            404,
            _("Il n'y a pas d'ODD « %(value)s » : les objectifs sont numérotés de 1 à 17.")
            % {"value": number},
        )
    return _goal(goal, request)
