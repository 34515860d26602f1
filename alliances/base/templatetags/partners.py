"""`{% load partners %}`: a partner as the platform names it and as its source named it."""

from django import template

from alliances.base.models import Partner

register = template.Library()


@register.inclusion_tag("base/_partner_name.html")
def partner_name(partner: Partner) -> dict:
    """The canonical organisation (linked) and, below it, the source's wording when it
    differs ("Fondation FACE (fondation abritante)" for the Fondation Agir Contre
    l'Exclusion (FACE))."""
    organisation = partner.organisation
    wording = partner.as_named.strip()
    return {
        "organisation": organisation,
        "as_named": wording if wording and wording != organisation.name else "",
    }
