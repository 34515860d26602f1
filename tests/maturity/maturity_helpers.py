"""Helpers shared by the maturity tests (a unique module name: tests have no packages)."""

from pathlib import Path

from alliances.maturity import engine

DATA = Path(__file__).resolve().parents[2] / "alliances" / "data" / "maturity"


def shipped_text(name: str) -> str:
    return (DATA / f"{name}.yaml").read_text(encoding="utf-8")


def answer_all(referential: engine.Referential, pick: str = "best", axis: str | None = None):
    """Answers to every question (best, worst or middle option), optionally one axis only."""
    answers: dict = {}
    for q in referential.questions:
        if axis and q.axis != axis:
            continue
        if q.type == "scale":
            answers[q.key] = {"best": q.scale_max, "worst": q.scale_min}.get(
                pick, (q.scale_min + q.scale_max) // 2
            )
        elif q.type == "single":
            ordered = sorted(q.options, key=lambda o: o.points)
            answers[q.key] = {"best": ordered[-1], "worst": ordered[0]}.get(
                pick, ordered[len(ordered) // 2]
            ).key
        else:
            answers[q.key] = {"best": list(q.option_keys), "worst": []}.get(
                pick, list(q.option_keys[:1])
            )
    return answers
