"""Workspace data through the API: same permissions as the pages (session sign-in)."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.security import django_auth

from alliances.evaluation.models import Campaign

from . import permissions
from .models import Workspace

router = Router(tags=["workspaces"], auth=django_auth)


class AxisOut(Schema):
    axis: str
    convergence: int | None
    means: list[float | None]


class QuestionOut(Schema):
    key: str
    axis: str
    text: str
    answers: list[int | None]
    convergence: float | None


class ResultsOut(Schema):
    year: int
    partners: list[str]
    axes: list[AxisOut]
    questions: list[QuestionOut]


class ModelOut(Schema):
    total: float
    total_low: float
    total_high: float
    non_cash_share: float | None
    cost_per_beneficiary: float | None
    value_created: float
    social_return: float | None
    social_return_low: float | None
    social_return_high: float | None
    leverage: dict[str, float | None]
    assumptions: list[dict]


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
            {"axis": a["axis"], "convergence": a["convergence"], "means": a["means"]}
            for a in results["axis_rows"]
        ],
        "questions": [
            {k: r[k] for k in ("key", "axis", "text", "answers", "convergence")}
            for r in results["rows"]
        ],
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
        "value_created": f(result.value_created),
        "social_return": f(result.social_return),
        "social_return_low": f(result.social_return_low),
        "social_return_high": f(result.social_return_high),
        "leverage": {k: f(v) for k, v in result.leverage.items()},
        "assumptions": [
            {"label": a.label, "value": a.value, "source": a.source} for a in result.assumptions
        ],
    }
