"""The versioned open-data API: one NinjaAPI assembling each part's router.

Each part of the product keeps its endpoints in its own `api.py` (a `Router`), built with
the shared kit (`alliances.apikit`: keys, pages, rate limits, errors); this module only
mounts them, so dependencies flow from the API down to the parts, and the parts never
import this module. Every error answers in the kit's one shape, and the OpenAPI document
lists every status each operation can answer.
"""

from typing import Any

from ninja import NinjaAPI

from alliances import __version__
from alliances.apikit.errors import document_errors, install_error_handlers


class DocumentedApi(NinjaAPI):
    """The API whose OpenAPI document names its errors (the kit's `Error` shape)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        document_errors(schema)
        return schema


api = DocumentedApi(
    title="Alliances API",
    version=f"v1 ({__version__})",
    description=(
        "Open data of the Alliances platform: territories, SDGs, taxonomies, alliances, "
        'observatory figures, resources. Lists answer `{"count": n, "results": [...]}` '
        "with `page` and `page_size` parameters. Read endpoints are open. Every error "
        'answers `{"detail": "…", "errors": [{"location": "…", "message": "…"}]}`.'
    ),
    urls_namespace="api-v1",
    docs_url="/explorer",
    openapi_url="/openapi.json",
)
install_error_handlers(api)


def _mount() -> None:
    # Each part's router declares its full paths ("/territories", "/alliances/{slug}"...).
    from alliances.base.api import router as base_router
    from alliances.charter.api import router as charter_router
    from alliances.library.api import router as library_router
    from alliances.maturity.api import router as maturity_router
    from alliances.observatory.api import router as observatory_router
    from alliances.partners.api import router as partners_router
    from alliances.referentials.api import router as referentials_router
    from alliances.sdg.api import router as sdg_router
    from alliances.sheets.api import router as sheets_router
    from alliances.territories.api import router as territories_router
    from alliances.workspaces.api import router as workspaces_router

    for router in (
        territories_router,
        sdg_router,
        referentials_router,
        base_router,
        observatory_router,
        library_router,
        maturity_router,
        charter_router,
        sheets_router,
        workspaces_router,
        partners_router,
    ):
        api.add_router("", router)


_mount()
