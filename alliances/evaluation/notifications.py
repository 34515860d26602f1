"""E-mails of the joint evaluation, each in the language of its recipient (see
workspaces.notifications): a campaign opened, a reminder to the partners who have not
answered, a campaign closed or reopened. Plain functions: a view or a command calls them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliances.workspaces.notifications import members, send, site_url, who

from .models import Campaign


def _link(campaign: Campaign, base_url: str | None) -> str:
    return site_url(base_url) + reverse(
        "evaluation:campaign", args=[campaign.workspace_id, campaign.year]
    )


def _context(campaign: Campaign, base_url: str | None) -> dict:
    return {
        "alliance": campaign.workspace.alliance.title,
        "year": campaign.year,
        "link": _link(campaign, base_url),
        "attributed": campaign.comments_attributed,
    }


def campaign_opened(campaign: Campaign, base_url: str | None = None) -> int:
    return send(
        members(campaign.workspace),
        _("Évaluation partenariale %(year)s ouverte : %(alliance)s"),
        "evaluation/email/campaign_opened.txt",
        {**_context(campaign, base_url), "opener": who(campaign.opened_by)},
    )


def unanswered_organisation_ids(campaign: Campaign) -> list[int]:
    """Partner organisations of the workspace that have not sent complete answers."""
    answered = set(
        campaign.responses.filter(submitted=True).values_list("organisation_id", flat=True)
    )
    represented = campaign.workspace.members.values_list("organisation_id", flat=True)
    return sorted(set(represented) - answered)


def campaign_reminder(campaign: Campaign, base_url: str | None = None) -> int:
    """Remind the members of the partner organisations that have not answered yet."""
    missing = unanswered_organisation_ids(campaign)
    if not missing or not campaign.is_open:
        return 0
    return send(
        members(campaign.workspace, organisation_ids=missing),
        _("Rappel : votre avis est attendu sur l'alliance « %(alliance)s »"),
        "evaluation/email/campaign_reminder.txt",
        _context(campaign, base_url),
    )


def campaign_closed(campaign: Campaign, base_url: str | None = None) -> int:
    answered = campaign.responses.filter(submitted=True).count()
    return send(
        members(campaign.workspace),
        _("Évaluation partenariale %(year)s close : les regards croisés de « %(alliance)s »"),
        "evaluation/email/campaign_closed.txt",
        {**_context(campaign, base_url), "answered": answered, "closer": who(campaign.closed_by)},
    )


def campaign_reopened(campaign: Campaign, user: object, base_url: str | None = None) -> int:
    return send(
        members(campaign.workspace),
        _("Évaluation partenariale %(year)s rouverte : %(alliance)s"),
        "evaluation/email/campaign_reopened.txt",
        {**_context(campaign, base_url), "opener": who(user)},
    )
