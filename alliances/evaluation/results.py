"""Build what the result pages, the report and its PDF show from a closed campaign (the
Django side of crossviews): only the partners who sent complete answers are counted."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances.charts.vega import Chart, bar_chart
from alliances.common.i18n import current_language

from . import crossviews
from .crossviews import DONT_KNOW, cross_views, most_divergent
from .forms import horizon_text
from .models import Campaign, Response
from .questionnaire import questions_of

LEVEL_LABELS = {
    crossviews.CONVERGENT: gettext_lazy("regards proches"),
    crossviews.NUANCED: gettext_lazy("regards nuancés"),
    crossviews.DIVERGENT: gettext_lazy("regards divergents"),
    crossviews.UNKNOWN: gettext_lazy("pas assez de réponses"),
}


def _percent(convergence: float | None) -> int | None:
    return None if convergence is None else round(convergence * 100)


def _cell(view: crossviews.QuestionView, partner: str) -> dict:
    answer = view.answers.get(partner)
    return {
        "partner": partner,
        "value": answer,
        "dont_know": answer == DONT_KNOW,
        "apart": partner in view.apart,
    }


def comments_of(campaign: Campaign, responses: list[Response]) -> list[dict]:
    """The partners' comments, with their organisation's name or without, as chosen when the
    campaign opened; unsigned comments are sorted by their text so their order tells nothing."""
    comments = [
        {"organisation": r.organisation.name, "text": r.comment.strip()}
        for r in responses
        if r.comment.strip()
    ]
    if campaign.comments_attributed:
        return comments
    return [{"organisation": None, "text": c["text"]} for c in sorted(comments, key=str)]


def _chart(axis_rows: list[dict]) -> Chart | None:
    chart_rows = [r for r in axis_rows if r["convergence"] is not None]
    if not chart_rows:
        return None
    return bar_chart(
        [{"axis": r["axis"], "convergence": r["convergence"]} for r in chart_rows],
        category="axis",
        value="convergence",
        title=_("Convergence des regards par axe"),
        description=_(
            "100 : tous les partenaires ont répondu pareil ; 0 : les réponses couvrent toute "
            "l'échelle. Les réponses « je ne sais pas » n'entrent pas dans le calcul."
        ),
        category_title=_("Axe"),
        value_title=_("Convergence (sur 100)"),
        percent=True,
        sort_by_value=False,
    )


def campaign_results(campaign: Campaign) -> dict:
    questionnaire = campaign.questionnaire
    lang = current_language()
    questions = {q["key"]: q for q in questionnaire["questions"]}
    texts = {k: q.get(f"text_{lang}") or q["text_fr"] for k, q in questions.items()}
    axis_labels = {a["key"]: a.get(f"label_{lang}") or a["label_fr"] for a in questionnaire["axes"]}
    responses = list(
        campaign.responses.filter(submitted=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    partners = [r.organisation.name for r in responses]
    views, axes = cross_views(
        questions_of(questionnaire), {r.organisation.name: r.answers for r in responses}
    )
    groups: dict[str, list[dict]] = {}
    for v in views:
        groups.setdefault(v.question.axis, []).append(
            {
                "key": v.question.key,
                "text": texts[v.question.key],
                "horizon": horizon_text(questions[v.question.key].get("horizon_years")),
                "cells": [_cell(v, p) for p in partners],
                "answers": [v.answers[p] for p in partners],
                "mean": v.mean,
                "convergence": v.convergence,
                "percent": _percent(v.convergence),
                "level": v.level,
                "level_label": LEVEL_LABELS[v.level],
                "dont_know": v.dont_know,
            }
        )
    axis_rows = [
        {
            "key": a.axis,
            "axis": axis_labels[a.axis],
            "means": [a.mean_by_partner[p] for p in partners],
            "mean_cells": [{"partner": p, "mean": a.mean_by_partner[p]} for p in partners],
            "convergence": _percent(a.convergence),
            "level": a.level,
            "level_label": LEVEL_LABELS[a.level],
            "dont_know": a.dont_know,
            "questions": groups[a.axis],
        }
        for a in axes
    ]
    rows = [row for a in axis_rows for row in a["questions"]]
    divergent = [
        {
            "text": texts[v.question.key],
            "answers": dict(v.answers),
            "convergence": v.convergence,
            "dont_know": v.dont_know,
        }
        for v in most_divergent(views)
    ]
    return {
        "partners": partners,
        "rows": rows,
        "axis_rows": axis_rows,
        "chart": _chart(axis_rows),
        "divergent": divergent,
        "responses": responses,
        "comments": comments_of(campaign, responses),
        "dont_know_total": sum(v.dont_know for v in views),
        "scale": questionnaire["scale"],
    }
