"""Template tags of the SDG coding: what a page shows of an alliance's or a goal's codes.

{% load sdg_coding %}{% alliance_sdg_coding alliance as coding %}
"""

from django import template

from alliances.base.models import Alliance
from alliances.sdg.models import SdgGoal

from .. import services

register = template.Library()


@register.simple_tag
def alliance_sdg_coding(alliance: Alliance) -> services.AllianceCoding:
    """Verified codes, 17.17 by definition and current suggestions, kept apart."""
    return services.alliance_coding(alliance)


@register.simple_tag
def goal_sdg_examples(goal: SdgGoal, limit: int = 12) -> services.GoalExamples:
    return services.goal_examples(goal, limit)
