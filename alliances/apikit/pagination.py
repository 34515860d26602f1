"""Page parameters shared by every API list: `page` (from 1) and `page_size`."""

from django.db.models import QuerySet

MAX_PAGE_SIZE = 200


def paginate(queryset: QuerySet | list, page: int, page_size: int) -> tuple[int, list]:
    """Return (count, items of the page); a page past the end gives the last page."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    last_page = max(1, -(-count // page_size))
    page = max(1, min(page, last_page))
    start = (page - 1) * page_size
    return count, list(queryset[start : start + page_size])
