"""The resource search query: parsing and validation of its parameters (no Django import).

One `ResourceQuery` serves the HTML list, its JSON/CSV twins and the API. Parsing never fails:
an unknown or malformed value is dropped and reported as a `Problem`, so the page can show a
notice while still answering with what was understood.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from alliances.common.text import normalize_name

# Filters whose values are keys (strings); several values of one filter mean "any of them".
KEY_FILTERS = ("kind", "format", "audience", "domain", "language")
# Filters whose values are integers.
INT_FILTERS = ("level", "sdg")
FILTERS = ("kind", "format", "audience", "level", "domain", "sdg", "language")
SORTS = ("relevance", "title", "-year", "year")
DEFAULT_SORT = "title"  # without text; with text, relevance (`default_sort`)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_TEXT = 200
YEAR_BOUNDS = (1900, 2100)


@dataclass(frozen=True)
class Problem:
    """A parameter value that was ignored, and why (`unknown`, `not_a_number`, `range`)."""

    param: str
    value: str
    reason: str


@dataclass(frozen=True)
class ResourceQuery:
    text: str = ""
    kind: tuple[str, ...] = ()
    format: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    level: tuple[int, ...] = ()
    domain: tuple[str, ...] = ()
    sdg: tuple[int, ...] = ()
    language: tuple[str, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    sort: str = DEFAULT_SORT
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    problems: tuple[Problem, ...] = field(default=(), compare=False)

    @property
    def words(self) -> list[str]:
        """The folded words of the text: each must start a word of the resource."""
        return normalize_name(self.text).split()

    def values(self, name: str) -> tuple:
        return getattr(self, name)

    def is_filtered(self) -> bool:
        return bool(
            self.text
            or any(self.values(f) for f in FILTERS)
            or self.year_min is not None
            or self.year_max is not None
        )

    @property
    def default_sort(self) -> str:
        return default_sort(self.text)

    def with_page(self, page: int) -> "ResourceQuery":
        return replace(self, page=page)

    def to_params(self, page: int | None = None) -> list[tuple[str, str]]:
        """The query as GET parameters (for pagination links), defaults left out."""
        params: list[tuple[str, str]] = []
        if self.text:
            params.append(("q", self.text))
        for name in FILTERS:
            params.extend((name, str(v)) for v in self.values(name))
        if self.year_min is not None:
            params.append(("year_min", str(self.year_min)))
        if self.year_max is not None:
            params.append(("year_max", str(self.year_max)))
        if self.sort != self.default_sort:
            params.append(("sort", self.sort))
        if self.page_size != DEFAULT_PAGE_SIZE:
            params.append(("page_size", str(self.page_size)))
        page = self.page if page is None else page
        if page != 1:
            params.append(("page", str(page)))
        return params


def default_sort(text: str) -> str:
    """Relevance when there is text to rank by, else by title."""
    return "relevance" if text.strip() else DEFAULT_SORT


def _split(values: Iterable[str]) -> list[str]:
    # Repeated parameters (?kind=a&kind=b) and comma lists (?kind=a,b) are both accepted.
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in str(value).split(",") if v.strip())
    return out


def _int(value: str) -> int | None:
    try:
        return int(value.strip())
    except (ValueError, AttributeError):
        return None


Values = Callable[[str], list[str]]


def _filter_value(name: str, raw: str, known: set[str], problems: list[Problem]) -> object:
    """One filter value, or None (reported) when malformed or unknown."""
    if name in INT_FILTERS:
        number = _int(raw)
        if number is None:
            problems.append(Problem(name, raw, "not_a_number"))
            return None
        if str(number) not in known:
            problems.append(Problem(name, raw, "unknown"))
            return None
        return number
    if raw not in known:
        problems.append(Problem(name, raw, "unknown"))
        return None
    return raw


def _filters(
    values_of: Values, allowed: Mapping[str, Iterable[object]], problems: list[Problem]
) -> dict[str, tuple]:
    chosen: dict[str, tuple] = {}
    for name in FILTERS:
        known = {str(v) for v in allowed.get(name, ())}
        kept: list = []
        for raw in _split(values_of(name)):
            value = _filter_value(name, raw, known, problems)
            if value is not None and value not in kept:
                kept.append(value)
        chosen[name] = tuple(kept)
    return chosen


def _years(values_of: Values, problems: list[Problem]) -> dict[str, int | None]:
    years: dict[str, int | None] = {}
    for name in ("year_min", "year_max"):
        raw_values = values_of(name)
        raw = raw_values[-1].strip() if raw_values else ""
        years[name] = None
        if not raw:
            continue
        number = _int(raw)
        if number is None:
            problems.append(Problem(name, raw, "not_a_number"))
        elif not YEAR_BOUNDS[0] <= number <= YEAR_BOUNDS[1]:
            problems.append(Problem(name, raw, "range"))
        else:
            years[name] = number
    low, high = years["year_min"], years["year_max"]
    if low is not None and high is not None and low > high:
        # A reversed range is most likely a slip: swap rather than answer nothing.
        years["year_min"], years["year_max"] = high, low
    return years


def _sort(values_of: Values, text: str, problems: list[Problem]) -> str:
    sort_values = values_of("sort")
    sort = sort_values[-1].strip() if sort_values else ""
    if sort and sort not in SORTS:
        problems.append(Problem("sort", sort, "unknown"))
        sort = ""
    return sort or default_sort(text)


def _pages(values_of: Values, default_page_size: int, problems: list[Problem]) -> tuple[int, int]:
    page_values = values_of("page")
    page = _int(page_values[-1]) if page_values else 1
    if page is None or page < 1:
        if page_values and page_values[-1].strip():
            problems.append(Problem("page", page_values[-1], "not_a_number"))
        page = 1
    size_values = values_of("page_size")
    page_size = _int(size_values[-1]) if size_values else default_page_size
    if page_size is None or not 1 <= page_size <= MAX_PAGE_SIZE:
        if size_values and size_values[-1].strip():
            problems.append(Problem("page_size", size_values[-1], "range"))
        page_size = default_page_size
    return page, page_size


def parse_query(
    get: Callable[[str], list[str]] | Mapping[str, list[str]],
    allowed: Mapping[str, Iterable[object]],
    default_page_size: int = DEFAULT_PAGE_SIZE,
) -> ResourceQuery:
    """Build a query from GET parameters.

    `get(name)` returns the list of values of a parameter (e.g. `QueryDict.getlist`), or pass
    a mapping of lists. `allowed[name]` lists the known values of each filter; a value outside
    it is dropped and reported.
    """

    def values_of(name: str) -> list[str]:
        found = get.get(name) if isinstance(get, Mapping) else get(name)
        if isinstance(found, str):
            found = [found]
        return list(found or [])

    problems: list[Problem] = []
    chosen = _filters(values_of, allowed, problems)
    years = _years(values_of, problems)
    text_values = values_of("q")
    text = " ".join((text_values[-1] if text_values else "").split())[:MAX_TEXT]
    sort = _sort(values_of, text, problems)
    page, page_size = _pages(values_of, default_page_size, problems)
    return ResourceQuery(
        text=text,
        year_min=years["year_min"],
        year_max=years["year_max"],
        sort=sort,
        page=page,
        page_size=page_size,
        problems=tuple(problems),
        **chosen,
    )


def clamp_page(page: int, count: int, page_size: int) -> tuple[int, int]:
    """(page, last page): a page past the end gives the last page; an empty result page 1."""
    last = max(1, -(-count // page_size))
    return max(1, min(page, last)), last
