"""Workspace data through the API: same permissions as the pages (session sign-in)."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.security import django_auth

from alliances.evaluation.models import Campaign

from . import permissions
from .models import Workspace

router = Router(tags=["workspaces"], auth=django_auth)


class WorkspaceAxisOut(Schema):
    axis: str
    convergence: int | None
    means: list[float | None]
    dont_know: int


class QuestionOut(Schema):
    key: str
    axis: str
    text: str
    answers: list[int | str | None]  # a point of the scale, "dk" (don't know)
    convergence: float | None
    dont_know: int


class CommentOut(Schema):
    organisation: str | None  # None when the partners chose unsigned comments
    text: str


class ResultsOut(Schema):
    year: int
    partners: list[str]
    axes: list[WorkspaceAxisOut]
    questions: list[QuestionOut]
    comments: list[CommentOut]


class AssumptionOut(Schema):
    subject: str
    year: int | None
    kind: str | None
    quantity: float
    unit: str
    value: float
    low: float | None
    high: float | None
    source: str


class OutcomeImpactOut(Schema):
    label: str
    gross: float
    deadweight: float | None
    displacement: float | None
    attribution: float | None
    drop_off: float | None
    duration_years: int
    value: float


class ModelOut(Schema):
    total: float
    total_low: float
    total_high: float
    non_cash_share: float | None
    cost_per_beneficiary: float | None
    value_created_gross: float
    value_created: float
    value_created_low: float
    value_created_high: float
    social_return: float | None
    social_return_low: float | None
    social_return_high: float | None
    leverage: dict[str, float | None]
    not_assessed: list[str]
    outcomes: list[OutcomeImpactOut]
    assumptions: list[AssumptionOut]


def _workspace(request: HttpRequest, workspace_id: int) -> Workspace:
    workspace = get_object_or_404(Workspace, pk=workspace_id)
    if not permissions.can_view(request.user, workspace):
        raise Http404("Espace introuvable")
    return workspace


@router.get(
    "/workspaces/{workspace_id}/evaluations/{year}/results",
    response=ResultsOut,
    summary="Cross views of a closed evaluation campaign (members and granted curators)",
)
def evaluation_results(request: HttpRequest, workspace_id: int, year: int) -> dict:
    from alliances.evaluation.results import campaign_results

    workspace = _workspace(request, workspace_id)
    campaign = get_object_or_404(
        Campaign, workspace=workspace, year=year, status=Campaign.Status.CLOSED
    )
    results = campaign_results(campaign)
    return {
        "year": year,
        "partners": results["partners"],
        "axes": [
            {k: a[k] for k in ("axis", "convergence", "means", "dont_know")}
            for a in results["axis_rows"]
        ],
        "questions": [
            {
                **{k: r[k] for k in ("key", "text", "answers", "convergence", "dont_know")},
                "axis": a["axis"],
            }
            for a in results["axis_rows"]
            for r in a["questions"]
        ],
        "comments": results["comments"],
    }


@router.get(
    "/workspaces/{workspace_id}/model",
    response=ModelOut,
    summary="Socio-economic model of the alliance (members and granted curators)",
)
def economic_model(request: HttpRequest, workspace_id: int) -> dict:
    from alliances.economics.services import compute_for

    workspace = _workspace(request, workspace_id)
    result = compute_for(workspace)
    if result is None:
        raise Http404("Aucun apport saisi")

    def f(value: object) -> float | None:
        return None if value is None else float(value)

    return {
        "total": f(result.total),
        "total_low": f(result.total_low),
        "total_high": f(result.total_high),
        "non_cash_share": f(result.non_cash_share),
        "cost_per_beneficiary": f(result.cost_per_beneficiary),
        "value_created_gross": f(result.value_created_gross),
        "value_created": f(result.value_created),
        "value_created_low": f(result.value_created_low),
        "value_created_high": f(result.value_created_high),
        "social_return": f(result.social_return),
        "social_return_low": f(result.social_return_low),
        "social_return_high": f(result.social_return_high),
        "leverage": {k: f(v) for k, v in result.leverage.items()},
        "not_assessed": result.not_assessed,
        "outcomes": [
            {
                "label": i.outcome.label,
                "gross": f(i.gross),
                **{
                    name: f(getattr(i.outcome.adjustments, name))
                    for name in ("deadweight", "displacement", "attribution", "drop_off")
                },
                "duration_years": i.outcome.adjustments.duration_years,
                "value": f(i.total),
            }
            for i in result.impacts
        ],
        "assumptions": [
            {
                "subject": a.subject,
                "year": a.year,
                "kind": a.kind.value if a.kind else None,
                "quantity": f(a.quantity),
                "unit": a.unit,
                "value": f(a.value),
                "low": f(a.low),
                "high": f(a.high),
                "source": a.source,
            }
            for a in result.assumptions
        ],
    }
