from django import template

from alliances.base.search_actions import search_actions as actions_for

register = template.Library()


@register.simple_tag(takes_context=True)
def search_actions(context: template.Context) -> list[dict[str, str]]:
    """`{% search_actions as actions %}`: the links other parts offer for this search."""
    request = context.get("request")
    query = context.get("query")
    if request is None or query is None:
        return []
    return actions_for(request, query)
