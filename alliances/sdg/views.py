"""Pages of the SDGs: the 17 goals (/odd/) and one goal with its targets (/odd/<n>/)."""

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from alliances.common.twins import list_response

from .models import SdgGoal, SdgTarget
from .sections import render_sections

GOAL_COLUMNS = ("number", "short", "title", "short_fr", "short_en", "title_fr", "title_en")
GOAL_COLUMNS += ("targets", "url")
TARGET_COLUMNS = ("code", "goal", "position", "title", "title_fr", "title_en")


def goal_row(goal: SdgGoal, request: HttpRequest) -> dict:
    return {
        "number": goal.number,
        "short": goal.short,
        "title": goal.title,
        "short_fr": goal.short_fr,
        "short_en": goal.short_en,
        "title_fr": goal.title_fr,
        "title_en": goal.title_en,
        "targets": goal.target_count,  # type: ignore[attr-defined]
        "url": request.build_absolute_uri(reverse("sdg:goal", kwargs={"number": goal.number})),
    }


def target_row(target: SdgTarget, number: int) -> dict:
    return {
        "code": target.code,
        "goal": number,
        "position": target.position,
        "title": target.title,
        "title_fr": target.title_fr,
        "title_en": target.title_en,
    }


def index(request: HttpRequest) -> HttpResponse:
    goals = SdgGoal.objects.annotate(target_count=Count("targets")).order_by("number")
    rows = [goal_row(g, request) for g in goals]
    return list_response(request, "sdg/index.html", {}, rows, GOAL_COLUMNS, "odd")


def parse_goal_number(value: str) -> int:
    """The goal number of the address, or 404 with a message saying what is accepted."""
    if value.isascii() and value.isdigit() and str(int(value)) == value:
        number = int(value)
        if 1 <= number <= 17:
            return number
    raise Http404(
        _("Il n'y a pas d'ODD « %(value)s » : les objectifs sont numérotés de 1 à 17.")
        % {"value": value}
    )


def goal(request: HttpRequest, number: str) -> HttpResponse:
    goal_number = parse_goal_number(number)
    found = SdgGoal.objects.filter(number=goal_number).first()
    if found is None:
        raise Http404(_("Les ODD ne sont pas encore chargés (populate_sdg)."))
    targets = list(found.targets.order_by("position"))
    rows = [target_row(t, goal_number) for t in targets]
    context = {
        "goal": found,
        "previous_number": goal_number - 1 if goal_number > 1 else None,
        "next_number": goal_number + 1 if goal_number < 17 else None,
        # Sections of other parts (the goal's examples) on the HTML page only, not its twins.
        "extra_sections": [] if request.GET.get("format") else render_sections(request, found),
    }
    return list_response(
        request, "sdg/goal.html", context, rows, TARGET_COLUMNS, f"odd-{goal_number}"
    )
