"""Everything the platform keeps about one person, for the GDPR download (right of access)."""

from django.contrib.auth.models import AbstractBaseUser


def personal_data(user: AbstractBaseUser) -> dict:
    from alliances.alerts.models import SavedSearch
    from alliances.contributions.personal import contributions_of
    from alliances.evaluation.models import ProgressReport, Response
    from alliances.partners.personal import partners_data_of
    from alliances.workspaces.models import Invitation, Membership

    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_curator": user.is_staff,
        },
        "workspace_memberships": [
            {
                "alliance": m.workspace.alliance.title,
                "organisation": m.organisation.name,
                "role": m.role,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related(
                "workspace__alliance", "organisation"
            )
        ],
        "invitations_received": [
            {
                "alliance": i.workspace.alliance.title,
                "organisation": i.organisation.name,
                "sent_at": i.created_at.isoformat(),
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in Invitation.objects.filter(email__iexact=user.email).select_related(
                "workspace__alliance", "organisation"
            )
        ],
        "evaluation_answers_last_saved": [
            {
                "alliance": r.campaign.workspace.alliance.title,
                "year": r.campaign.year,
                "organisation": r.organisation.name,
                "saved_at": r.updated_at.isoformat(),
            }
            for r in Response.objects.filter(updated_by=user).select_related(
                "campaign__workspace__alliance", "organisation"
            )
        ],
        "progress_reports_filed": [
            {
                "alliance": r.workspace.alliance.title,
                "year": r.year,
                "filed_at": r.submitted_at.isoformat(),
            }
            for r in ProgressReport.objects.filter(author=user).select_related(
                "workspace__alliance"
            )
        ],
        "saved_searches": [
            {
                "name": s.name,
                "target": s.target,
                "querystring": s.querystring,
                "frequency": s.frequency,
                "language": s.language,
                "created_at": s.created_at.isoformat(),
                "last_sent_at": s.last_sent_at.isoformat() if s.last_sent_at else None,
                "portal": (
                    {
                        "slug": s.portal.slug,
                        "title": s.portal.title,
                        "intro": s.portal.intro,
                        "is_public": s.portal.is_public,
                    }
                    if hasattr(s, "portal")
                    else None
                ),
            }
            for s in SavedSearch.objects.filter(owner=user).select_related("portal")
        ],
        "contributions": contributions_of(user),
        # Faire alliance: claims, requests, needs and offers, and the messages of both sides.
        **partners_data_of(user),
    }
