"""Links offered beside the results of the search page, contributed by parts built on the base.

The base does not know the parts that build on it (dependencies flow one way): a part such
as the saved searches registers a function that returns its links for the current search
(each a dict with "url" and an already translated "label"), or none.
"""

from collections.abc import Callable

from django.http import HttpRequest

SearchAction = Callable[[HttpRequest, object], list[dict[str, str]]]
_ACTIONS: list[SearchAction] = []


def register(action: SearchAction) -> SearchAction:
    if action not in _ACTIONS:
        _ACTIONS.append(action)
    return action


def search_actions(request: HttpRequest, query: object) -> list[dict[str, str]]:
    return [link for action in _ACTIONS for link in action(request, query)]
