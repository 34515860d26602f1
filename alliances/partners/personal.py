"""What "Faire alliance" keeps about one person, for the personal data download.

Messages appear for both parties: those the person wrote, and those written to them in the
conversations they take part in (as sender, or as a representative of the recipient).
Everything here goes with the account: claims, requests, hidden suggestions, conversations
opened and messages written are deleted by cascade; needs and offers stay with their
organisation, no longer linked to the person.
"""

from django.contrib.auth.models import AbstractBaseUser

from . import conversations
from .models import Claim, HiddenSuggestion, Listing, WorkspaceRequest


def _iso(value: object) -> str | None:
    return value.isoformat() if value else None


def partners_data_of(user: AbstractBaseUser) -> dict:
    return {
        "organisation_claims": [
            {
                "organisation": c.organisation.name,
                "status": c.status,
                "note": c.note,
                "asked_at": _iso(c.created_at),
            }
            for c in Claim.objects.filter(user=user).select_related("organisation")
        ],
        "workspace_requests": [
            {
                "alliance": r.alliance.title,
                "organisation": r.organisation.name,
                "status": r.status,
                "asked_at": _iso(r.created_at),
            }
            for r in WorkspaceRequest.objects.filter(user=user).select_related(
                "alliance", "organisation"
            )
        ],
        "needs_and_offers_published": [
            {
                "organisation": x.organisation.name,
                "direction": x.direction,
                "title": x.title,
                "status": x.status,
                "created_at": _iso(x.created_at),
            }
            for x in Listing.objects.filter(author=user).select_related("organisation")
        ],
        "hidden_suggestions": list(
            HiddenSuggestion.objects.filter(user=user).values_list("subject", "target")
        ),
        "partner_conversations": [
            {
                "with": talk.recipient.name
                if talk.sender_id == user.pk
                else (talk.sender_organisation.name if talk.sender_organisation else ""),
                "opened_at": _iso(talk.created_at),
                "messages": [
                    {
                        "mine": m.author_id == user.pk,
                        "body": m.body,
                        "sent_at": _iso(m.created_at),
                    }
                    for m in talk.messages.all()
                ],
            }
            for talk in conversations.of_user(user)
        ],
    }
