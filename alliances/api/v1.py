"""The versioned open-data API: one NinjaAPI assembling each part's router.

Each part of the product keeps its endpoints in its own `api.py` (a `Router`); this module
only mounts them, so dependencies flow from the API down to the parts.
"""

from ninja import NinjaAPI

from alliances import __version__

api = NinjaAPI(
    title="Alliances API",
    version=f"v1 ({__version__})",
    description=(
        "Open data of the Alliances platform: territories, SDGs, taxonomies, alliances, "
        'observatory figures, resources. Lists answer `{"count": n, "results": [...]}` '
        "with `page` and `page_size` parameters. Read endpoints are open."
    ),
    urls_namespace="api-v1",
    docs_url="/explorer",
    openapi_url="/openapi.json",
)


def _mount() -> None:
    from alliances.referentials.api import router as referentials_router
    from alliances.sdg.api import router as sdg_router
    from alliances.territories.api import router as territories_router

    api.add_router("/territories", territories_router, tags=["territories"])
    api.add_router("/sdg", sdg_router, tags=["sdg"])
    api.add_router("/referentials", referentials_router, tags=["referentials"])


_mount()
