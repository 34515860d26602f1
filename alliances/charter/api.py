"""API of the charter: the public list of signatories."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from .signatories import signatory_list, signatory_row

router = Router(tags=["charter"])


class SignatoryOut(Schema):
    organisation: str = Field(description="Name of the signing organisation.")
    profile: str = Field(description="Actor profile key (taxonomy actor_profiles).")
    profile_label: str
    territory_code: str = Field(description="Official geographic code of its territory.")
    territory_level: str = Field(description="Level of the territory (commune, region...).")
    territory: str
    region: str = Field(description="Name of the région containing the territory.")
    signed_on: str = Field(description="Date of signature (ISO 8601).")


class SignatoryListOut(Schema):
    count: int
    results: list[SignatoryOut]
    ignored: list[str] = Field(
        default_factory=list, description="Filter values not understood, and ignored."
    )


@router.get(
    "/charter/signatories",
    response=SignatoryListOut,
    summary="Signatories of the charter of alliance",
    description="Organisations whose signature a curator accepted (pending and refused ones "
    "are never listed, e-mails never). Filter by `region` (official code: every signatory "
    "located in that région) and `profile` (actor profile key).",
)
def list_signatories(
    request: HttpRequest,
    region: str = Query("", description="Official code of a région, e.g. 76."),
    profile: str = Query("", description="Actor profile key, e.g. association."),
    page: int = Query(1, description="Page number from 1; past the end gives the last page."),
    page_size: int = Query(50, ge=1, le=200, description="Rows per page, 1-200."),
) -> dict:
    found = signatory_list(region, profile)
    count = len(found.signatures)
    last = max(1, -(-count // page_size))
    page = max(1, min(page, last))
    chunk = found.signatures[(page - 1) * page_size : page * page_size]
    return {
        "count": count,
        "results": [signatory_row(s) for s in chunk],
        "ignored": found.notices,
    }
