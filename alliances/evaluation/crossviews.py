"""Cross views ("regards croisés") of a joint evaluation, in plain Python (no Django).

Every partner answers the same questions on a scale, or says it does not know; the result puts
their answers side by side, scores how much they converge per question and per axis, counts
the "don't know" answers, and lists the questions where views diverge most: the points the
partners should discuss together.

Convergence of a question = 1 - (range of the answers / widest possible range), so 1 when
every partner gave the same answer and 0 when answers span the whole scale. The range is used
rather than the standard deviation because, with 2 to 8 partners, a single partner far from
the others is exactly what must show. "Don't know" answers take no part in it: they are
counted and shown beside it, so that "4 / don't know / 4" never reads as full agreement
without saying that one partner did not take a position.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean, median

DONT_KNOW = "dk"
Answer = int | str | None  # a point of the scale, DONT_KNOW, or None (not answered)

# Levels of agreement, from the convergence of a question (shown with words and colours).
CONVERGENT = "convergent"  # convergence >= 0.75: at most one point apart on a 1-5 scale
NUANCED = "nuanced"  # 0.5 <= convergence < 0.75: two points apart
DIVERGENT = "divergent"  # convergence < 0.5: three points or more apart
UNKNOWN = "unknown"  # fewer than two positions taken

# An answer this many points away from the median of the others is marked as standing apart.
APART_POINTS = 2

# A closed campaign can be reopened this long after it was closed (a mistaken click, a late
# partner); after that its results are final and may be published.
REOPEN_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class Question:
    key: str
    axis: str
    scale_min: int = 1
    scale_max: int = 5


@dataclass(frozen=True)
class QuestionView:
    question: Question
    answers: dict[str, Answer]  # partner -> answer
    mean: float | None
    convergence: float | None  # 0..1, None when fewer than two positions were taken
    dont_know: int  # how many partners answered "don't know"
    level: str  # CONVERGENT, NUANCED, DIVERGENT or UNKNOWN
    apart: frozenset[str]  # partners whose answer stands apart from the others


@dataclass(frozen=True)
class AxisView:
    axis: str
    mean_by_partner: dict[str, float | None]
    convergence: float | None
    dont_know: int
    level: str


def is_answered(answer: Answer) -> bool:
    return answer is not None


def agreement_level(convergence: float | None) -> str:
    if convergence is None:
        return UNKNOWN
    if convergence >= 0.75:
        return CONVERGENT
    if convergence >= 0.5:
        return NUANCED
    return DIVERGENT


def check_answer(question: Question, partner: str, answer: Answer) -> None:
    if answer is None or answer == DONT_KNOW:
        return
    if isinstance(answer, bool) or not isinstance(answer, int):
        raise ValueError(f"{question.key} : la réponse {answer!r} de {partner} n'est pas valable")
    if not question.scale_min <= answer <= question.scale_max:
        raise ValueError(
            f"{question.key} : la réponse {answer} de {partner} est hors de l'échelle "
            f"{question.scale_min}-{question.scale_max}"
        )


def _apart(given: dict[str, int]) -> frozenset[str]:
    """Partners at APART_POINTS or more from the median of the other partners' answers."""
    if len(given) < 3:
        # With two answers, both stand apart or neither: the convergence already says it.
        return frozenset()
    apart = set()
    for partner, answer in given.items():
        others = [a for p, a in given.items() if p != partner]
        if abs(answer - median(others)) >= APART_POINTS:
            apart.add(partner)
    return frozenset(apart)


def question_view(question: Question, answers: Mapping[str, Answer]) -> QuestionView:
    for partner, answer in answers.items():
        check_answer(question, partner, answer)
    given = {p: a for p, a in answers.items() if isinstance(a, int)}
    values = list(given.values())
    if len(values) < 2:
        convergence = None
    else:
        spread = question.scale_max - question.scale_min
        convergence = 1 - (max(values) - min(values)) / spread if spread else 1.0
    return QuestionView(
        question=question,
        answers=dict(answers),
        mean=fmean(values) if values else None,
        convergence=convergence,
        dont_know=sum(1 for a in answers.values() if a == DONT_KNOW),
        level=agreement_level(convergence),
        apart=_apart(given),
    )


def cross_views(
    questions: Sequence[Question], answers: Mapping[str, Mapping[str, Answer]]
) -> tuple[list[QuestionView], list[AxisView]]:
    """`answers` maps partner -> question key -> answer (a missing key: not answered)."""
    partners = list(answers)
    views = [question_view(q, {p: answers[p].get(q.key) for p in partners}) for q in questions]
    axes: dict[str, list[QuestionView]] = {}
    for view in views:
        axes.setdefault(view.question.axis, []).append(view)
    axis_views = []
    for axis, items in axes.items():
        means = {}
        for partner in partners:
            given = [v.answers[partner] for v in items if isinstance(v.answers[partner], int)]
            means[partner] = fmean(given) if given else None
        scores = [v.convergence for v in items if v.convergence is not None]
        convergence = fmean(scores) if scores else None
        axis_views.append(
            AxisView(
                axis=axis,
                mean_by_partner=means,
                convergence=convergence,
                dont_know=sum(v.dont_know for v in items),
                level=agreement_level(convergence),
            )
        )
    return views, axis_views


def most_divergent(views: Sequence[QuestionView], limit: int = 5) -> list[QuestionView]:
    """The questions to discuss together: those where views are not close (nuanced or
    divergent), lowest convergence first, ties by question order."""
    scored = [
        (v.convergence, i, v)
        for i, v in enumerate(views)
        if v.convergence is not None and v.level != CONVERGENT
    ]
    scored.sort(key=lambda item: (item[0], item[1]))
    return [v for _convergence, _, v in scored[:limit]]


def missing_questions(questions: Sequence[Question], answers: Mapping[str, Answer]) -> list[str]:
    """Keys of the questions without an explicit answer ("don't know" is an answer)."""
    return [q.key for q in questions if not is_answered(answers.get(q.key))]


def is_complete(questions: Sequence[Question], answers: Mapping[str, Answer]) -> bool:
    return not missing_questions(questions, answers)


def can_reopen(closed_at: datetime | None, now: datetime) -> bool:
    return closed_at is not None and now - closed_at <= REOPEN_WITHIN


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
