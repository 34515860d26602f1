"""The section of the SDG coding on a goal's page (/odd/<n>/): its examples, verified and
suggested apart, and for goal 17 the rule that makes every alliance count by definition."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from alliances.sdg.models import SdgGoal

from . import services
from .rules import target_sort_key


def goal_section(request: HttpRequest, goal: object) -> str:
    if not isinstance(goal, SdgGoal):
        return ""
    examples = services.goal_examples(goal)
    rows = sorted(examples.per_target.items(), key=lambda item: target_sort_key(item[0]))
    return render_to_string(
        "sdg_coding/_goal_section.html",
        {"examples": examples, "target_rows": rows},
        request=request,
    )
