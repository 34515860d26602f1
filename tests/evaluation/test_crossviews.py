from datetime import UTC, date, datetime, timedelta

import pytest

from alliances.evaluation.crossviews import (
    CONVERGENT,
    DIVERGENT,
    DONT_KNOW,
    NUANCED,
    UNKNOWN,
    Question,
    can_reopen,
    cross_views,
    is_complete,
    missing_questions,
    most_divergent,
    question_view,
    report_status,
)

QUESTIONS = [
    Question("produit_1", "produit"),
    Question("produit_2", "produit"),
    Question("equilibre_1", "equilibre"),
]
ANSWERS = {
    "Association": {"produit_1": 4, "produit_2": 5, "equilibre_1": 1},
    "Entreprise": {"produit_1": 4, "produit_2": 3, "equilibre_1": 5},
    "Commune": {"produit_1": 4, "produit_2": None, "equilibre_1": 3},
}


def test_convergence_is_one_minus_the_share_of_the_scale_spanned():
    views, _ = cross_views(QUESTIONS, ANSWERS)
    by_key = {v.question.key: v for v in views}
    assert by_key["produit_1"].convergence == 1.0  # everyone answered 4
    assert by_key["produit_2"].convergence == 0.5  # 3 and 5 on a 1-5 scale: half the range
    assert by_key["equilibre_1"].convergence == 0.0  # 1 and 5: the whole scale
    assert by_key["produit_2"].mean == 4.0  # the partner who did not answer is left out


def test_axis_means_per_partner_and_axis_convergence():
    _, axes = cross_views(QUESTIONS, ANSWERS)
    produit = next(a for a in axes if a.axis == "produit")
    assert produit.mean_by_partner == {"Association": 4.5, "Entreprise": 3.5, "Commune": 4.0}
    assert produit.convergence == 0.75


def test_most_divergent_lists_what_to_discuss_first():
    views, _ = cross_views(QUESTIONS, ANSWERS)
    keys = [v.question.key for v in most_divergent(views)]
    assert keys == ["equilibre_1", "produit_2"]  # full agreement is not a point to discuss


def test_a_single_answer_has_no_convergence_and_out_of_scale_is_refused():
    assert question_view(Question("q", "a"), {"A": 3, "B": None}).convergence is None
    with pytest.raises(ValueError, match="hors de l'échelle"):
        question_view(Question("q", "a"), {"A": 6})


@pytest.mark.parametrize(
    ("last", "status"),
    [
        (date(2026, 6, 1), "green"),
        (date(2025, 11, 30), "green"),  # 11 months and 29 days
        (date(2025, 11, 29), "amber"),  # exactly 12 months
        (date(2024, 11, 30), "amber"),
        (date(2024, 11, 29), "red"),  # exactly 24 months: inactive
        (None, "red"),
    ],
)
def test_status_light(last, status):
    assert report_status(last, today=date(2026, 11, 29)) == status


def test_dont_know_is_counted_and_shown_not_read_as_agreement():
    view = question_view(Question("q", "a"), {"A": 4, "B": DONT_KNOW, "C": 4})
    assert view.convergence == 1.0  # the two positions taken agree...
    assert view.dont_know == 1  # ...and one partner did not take a position, which shows
    assert view.answers["B"] == DONT_KNOW
    only_one = question_view(Question("q", "a"), {"A": 4, "B": DONT_KNOW})
    assert only_one.convergence is None and only_one.level == UNKNOWN


def test_levels_of_agreement_follow_the_convergence():
    q = Question("q", "a")
    assert question_view(q, {"A": 4, "B": 5}).level == CONVERGENT
    assert question_view(q, {"A": 3, "B": 5}).level == NUANCED
    assert question_view(q, {"A": 1, "B": 5}).level == DIVERGENT


def test_a_partner_far_from_the_others_stands_apart():
    view = question_view(Question("q", "a"), {"A": 4, "B": 4, "C": 1})
    assert view.apart == {"C"}
    assert question_view(Question("q", "a"), {"A": 1, "B": 5}).apart == set()


def test_axis_counts_dont_know_answers():
    answers = {"A": {"produit_1": DONT_KNOW, "produit_2": 4}, "B": {"produit_1": 3}}
    _, axes = cross_views(QUESTIONS[:2], answers)
    assert axes[0].dont_know == 1


def test_an_answer_is_complete_only_when_every_question_has_an_explicit_choice():
    answers = {"produit_1": 4, "produit_2": DONT_KNOW}
    assert missing_questions(QUESTIONS, answers) == ["equilibre_1"]
    assert not is_complete(QUESTIONS, answers)
    assert is_complete(QUESTIONS, {**answers, "equilibre_1": 1})


def test_a_campaign_can_be_reopened_for_seven_days_after_closing():
    closed = datetime(2026, 11, 1, 12, tzinfo=UTC)
    assert can_reopen(closed, closed + timedelta(days=7))
    assert not can_reopen(closed, closed + timedelta(days=7, seconds=1))
    assert not can_reopen(None, closed)


def test_answers_that_are_not_points_of_the_scale_are_refused():
    with pytest.raises(ValueError, match="pas valable"):
        question_view(Question("q", "a"), {"A": "5"})


def test_close_views_are_not_points_to_discuss():
    views, _ = cross_views(
        [Question("a", "x"), Question("b", "x")], {"A": {"a": 4, "b": 1}, "B": {"a": 5, "b": 5}}
    )
    assert [v.question.key for v in most_divergent(views)] == ["b"]  # 4 and 5 are close
