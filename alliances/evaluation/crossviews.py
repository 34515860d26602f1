"""Cross views ("regards croisés") of a joint evaluation, in plain Python (no Django).

Every partner answers the same questions on a scale; the result puts their answers side by
side, scores how much they converge per question and per axis, and lists the questions where
views diverge most: the points the partners should discuss together.

Convergence of a question = 1 - (range of the answers / widest possible range), so 1 when
every partner gave the same answer and 0 when answers span the whole scale. The range is used
rather than the standard deviation because, with 2 to 8 partners, a single partner far from
the others is exactly what must show.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean


@dataclass(frozen=True)
class Question:
    key: str
    axis: str
    scale_min: int = 1
    scale_max: int = 5


@dataclass(frozen=True)
class QuestionView:
    question: Question
    answers: dict[str, int | None]  # partner -> answer (None: did not answer)
    mean: float | None
    convergence: float | None  # 0..1, None when fewer than two answers


@dataclass(frozen=True)
class AxisView:
    axis: str
    mean_by_partner: dict[str, float | None]
    convergence: float | None


def question_view(question: Question, answers: Mapping[str, int | None]) -> QuestionView:
    given = [a for a in answers.values() if a is not None]
    for partner, answer in answers.items():
        if answer is not None and not question.scale_min <= answer <= question.scale_max:
            raise ValueError(
                f"{question.key} : la réponse {answer} de {partner} est hors de l'échelle "
                f"{question.scale_min}-{question.scale_max}"
            )
    if len(given) < 2:
        convergence = None
    else:
        spread = question.scale_max - question.scale_min
        convergence = 1 - (max(given) - min(given)) / spread if spread else 1.0
    return QuestionView(
        question=question,
        answers=dict(answers),
        mean=fmean(given) if given else None,
        convergence=convergence,
    )


def cross_views(
    questions: Sequence[Question], answers: Mapping[str, Mapping[str, int | None]]
) -> tuple[list[QuestionView], list[AxisView]]:
    """`answers` maps partner -> question key -> answer."""
    partners = list(answers)
    views = [question_view(q, {p: answers[p].get(q.key) for p in partners}) for q in questions]
    axes: dict[str, list[QuestionView]] = {}
    for view in views:
        axes.setdefault(view.question.axis, []).append(view)
    axis_views = []
    for axis, items in axes.items():
        means = {}
        for partner in partners:
            given = [v.answers[partner] for v in items if v.answers[partner] is not None]
            means[partner] = fmean(given) if given else None
        scores = [v.convergence for v in items if v.convergence is not None]
        axis_views.append(
            AxisView(
                axis=axis, mean_by_partner=means, convergence=fmean(scores) if scores else None
            )
        )
    return views, axis_views


def most_divergent(views: Sequence[QuestionView], limit: int = 5) -> list[QuestionView]:
    """The questions to discuss together: lowest convergence first, ties by question order."""
    scored = [(v.convergence, i, v) for i, v in enumerate(views) if v.convergence is not None]
    scored.sort(key=lambda item: (item[0], item[1]))
    return [v for convergence, _, v in scored[:limit] if convergence < 1]


def report_status(last_report: date | None, today: date) -> str:
    """The status light of an alliance from its latest progress report.

    green: reported within 12 months; amber: 12 to 24 months; red: over 24 months (inactive)
    or never reported.
    """
    if last_report is None:
        return "red"
    months = (today.year - last_report.year) * 12 + (today.month - last_report.month)
    if today.day < last_report.day:
        months -= 1
    if months < 12:
        return "green"
    if months < 24:
        return "amber"
    return "red"
