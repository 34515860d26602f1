"""Template tags of the SDG coding: what a page shows of an alliance's or a goal's codes.

{% load sdg_coding %}{% alliance_sdg_coding alliance as coding %}
"""

from django import template
from django.utils.html import format_html

from alliances.base.models import Alliance
from alliances.common.i18n import current_language
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


@register.filter
def quoted(text: str) -> str:
    """Words of a text quoted as the language quotes them: « mots » (non-breaking spaces, so
    that a quote mark never starts a line) or “words”."""
    if current_language() == "en":
        return format_html("“{}”", text)
    return format_html("«\u00a0{}\u00a0»", text)
