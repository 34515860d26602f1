from datetime import date

import pytest

from alliances.evaluation.crossviews import (
    Question,
    cross_views,
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
