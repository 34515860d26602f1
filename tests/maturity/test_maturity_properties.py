"""Property tests of the scoring engine (hypothesis)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from maturity_helpers import DATA

from alliances.maturity import engine

REFERENTIALS = {
    name: engine.load_text((DATA / f"{name}.yaml").read_text())
    for name in ("organisation", "territoire")
}
PROFILES = st.sampled_from(engine.ACTOR_PROFILES)


def answer_strategy(question: engine.Question):
    if question.type == "single":
        return st.sampled_from(question.option_keys)
    if question.type == "multiple":
        return st.lists(st.sampled_from(question.option_keys), unique=True)
    return st.integers(question.scale_min, question.scale_max)


@st.composite
def diagnoses(draw):
    ref = REFERENTIALS[draw(st.sampled_from(sorted(REFERENTIALS)))]
    answers = {}
    for q in ref.questions:
        if draw(st.booleans()) or draw(st.booleans()):  # most answered, some left blank
            answers[q.key] = draw(answer_strategy(q))
    return ref, answers, draw(PROFILES)


def improve(question: engine.Question, answer):
    """A better-or-equal answer to the same question, or None when already at the top."""
    if question.type == "single":
        current = question.option(answer).points
        better = [o for o in question.options if o.points > current]
        return better[0].key if better else None
    if question.type == "multiple":
        missing = [k for k in question.option_keys if k not in answer]
        return [*answer, missing[0]] if missing else None
    return answer + 1 if answer < question.scale_max else None


def assert_bounds(result):
    if result.score is not None:
        assert 0 <= result.score <= 100
        assert result.level in (1, 2, 3, 4)
    for axis in result.axes:
        if axis.score is None:
            assert axis.level is None
        else:
            assert 0 <= axis.score <= 100
            assert axis.level in (1, 2, 3, 4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diagnoses())
def test_scores_stay_within_bounds(case):
    ref, answers, profile = case
    assert_bounds(engine.score(ref, answers, profile))


@settings(max_examples=150, deadline=None)
@given(diagnoses(), st.data())
def test_improving_an_answer_never_lowers_a_score(case, data):
    ref, answers, profile = case
    # Conditions make a later question apply or not; improving the answer a condition reads
    # may switch another question on. Monotonicity is promised for answers no rule reads.
    read_by_rules = {c.question for q in ref.questions for c in q.conditions}
    candidates = [q for q in ref.questions if q.key not in read_by_rules]
    question = data.draw(st.sampled_from(candidates))
    before_answer = answers.get(question.key)
    if before_answer is None:
        before_answer = [] if question.type == "multiple" else None
    if before_answer is None:
        better = data.draw(answer_strategy(question))
    else:
        better = improve(question, before_answer)
        if better is None:
            return
    before = engine.score(ref, answers, profile)
    after = engine.score(ref, {**answers, question.key: better}, profile)
    axis_before = before.axis(question.axis)
    axis_after = after.axis(question.axis)
    if axis_before.score is not None:
        assert axis_after.score >= axis_before.score
        assert axis_after.level >= axis_before.level
    if before.score is not None:
        assert after.score >= before.score
        assert after.level >= before.level


@settings(max_examples=100, deadline=None)
@given(diagnoses())
def test_not_applicable_answers_change_nothing_and_keep_bounds(case):
    ref, answers, profile = case
    result = engine.score(ref, answers, profile)
    assert_bounds(result)
    na = {k for a in result.axes for k in a.not_applicable}
    # Answers to questions that do not apply are ignored: removing them changes no score
    # (they cannot be read by conditions of applicable questions: rules read profile rules
    # and earlier answers, which we keep unless the question itself is not applicable).
    kept = {k: v for k, v in answers.items() if k not in na}
    again = engine.score(ref, kept, profile)
    assert again.score == result.score
    assert [a.score for a in again.axes] == [a.score for a in result.axes]


@settings(max_examples=100, deadline=None)
@given(PROFILES, st.sampled_from(sorted(REFERENTIALS)))
def test_all_best_answers_reach_100_whatever_the_profile(profile, name):
    ref = REFERENTIALS[name]
    best = {}
    for q in ref.questions:
        if q.type == "single":
            best[q.key] = max(q.options, key=lambda o: o.points).key
        elif q.type == "multiple":
            best[q.key] = list(q.option_keys)
        else:
            best[q.key] = q.scale_max
    result = engine.score(ref, best, profile)
    assert result.score == 100 and result.level == 4
