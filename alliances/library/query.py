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
        if self.sort != default_sort(self.text):
            params.append(("sort", self.sort))
        if self.page_size != DEFAULT_PAGE_SIZE:
            params.append(("page_size", str(self.page_size)))
        page = self.page if page is None else page
        if page != 1:
            params.append(("page", str(page)))
        return params


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


Getter = Callable[[str], list[str]] | Mapping[str, list[str]]


def parse_query(
    get: Getter,
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
    chosen = {
        name: _filter_values(name, values_of(name), allowed.get(name, ()), problems)
        for name in FILTERS
    }
    # In this order, so that the problems are reported in the order of the form.
    year_min, year_max = _years(values_of, problems)
    text_values = values_of("q")
    text = " ".join((text_values[-1] if text_values else "").split())[:MAX_TEXT]
    sort = _sort(values_of("sort"), text, problems)
    page = _page(values_of("page"), problems)
    page_size = _page_size(values_of("page_size"), default_page_size, problems)
    return ResourceQuery(
        text=text,
        year_min=year_min,
        year_max=year_max,
        sort=sort,
        page=page,
        page_size=page_size,
        problems=tuple(problems),
        **chosen,
    )


def _filter_values(
    name: str, raw_values: list[str], allowed: Iterable[object], problems: list[Problem]
) -> tuple:
    """The known values of one filter, once each, in the order given."""
    known = {str(v) for v in allowed}
    kept: list = []
    for raw in _split(raw_values):
        value = _filter_value(name, raw, known, problems)
        if value is not None and value not in kept:
            kept.append(value)
    return tuple(kept)


def _filter_value(name: str, raw: str, known: set[str], problems: list[Problem]) -> object:
    """One value of a filter (an int for INT_FILTERS), or None when it is reported."""
    if name not in INT_FILTERS:
        if raw not in known:
            problems.append(Problem(name, raw, "unknown"))
            return None
        return raw
    number = _int(raw)
    if number is None:
        problems.append(Problem(name, raw, "not_a_number"))
        return None
    if str(number) not in known:
        problems.append(Problem(name, raw, "unknown"))
        return None
    return number


def _years(
    values_of: Callable[[str], list[str]], problems: list[Problem]
) -> tuple[int | None, int | None]:
    """The year range; a reversed range is most likely a slip: swapped rather than empty."""
    years = [_year(name, values_of(name), problems) for name in ("year_min", "year_max")]
    low, high = years
    if low is not None and high is not None and low > high:
        return high, low
    return low, high


def _year(name: str, raw_values: list[str], problems: list[Problem]) -> int | None:
    raw = raw_values[-1].strip() if raw_values else ""
    if not raw:
        return None
    number = _int(raw)
    if number is None:
        problems.append(Problem(name, raw, "not_a_number"))
        return None
    if not YEAR_BOUNDS[0] <= number <= YEAR_BOUNDS[1]:
        problems.append(Problem(name, raw, "range"))
        return None
    return number


def default_sort(text: str) -> str:
    """Relevance when there is text to rank by, else by title."""
    return "relevance" if text.strip() else DEFAULT_SORT


def _sort(raw_values: list[str], text: str, problems: list[Problem]) -> str:
    sort = raw_values[-1].strip() if raw_values else ""
    if sort and sort not in SORTS:
        problems.append(Problem("sort", sort, "unknown"))
        sort = ""
    return sort or default_sort(text)


def _page(raw_values: list[str], problems: list[Problem]) -> int:
    page = _int(raw_values[-1]) if raw_values else 1
    if page is None or page < 1:
        if raw_values and raw_values[-1].strip():
            problems.append(Problem("page", raw_values[-1], "not_a_number"))
        page = 1
    return page


def _page_size(raw_values: list[str], default: int, problems: list[Problem]) -> int:
    page_size = _int(raw_values[-1]) if raw_values else default
    if page_size is None or not 1 <= page_size <= MAX_PAGE_SIZE:
        if raw_values and raw_values[-1].strip():
            problems.append(Problem("page_size", raw_values[-1], "range"))
        page_size = default
    return page_size


def clamp_page(page: int, count: int, page_size: int) -> tuple[int, int]:
    """(page, last page): a page past the end gives the last page; an empty result page 1."""
    last = max(1, -(-count // page_size))
    return max(1, min(page, last)), last
