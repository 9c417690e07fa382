"""The web app: FastAPI routes over the same service calls as the CLI.

HTML pages and the JSON API under ``/api/`` share one set of services; routes hold no
permission logic (services check) and no HTML (templates, autoescaped).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from sysreview.services.accounts import LoginThrottle
from sysreview.store.engine import Store
from sysreview.web import (
    api,
    duplicates,
    errors,
    fulltexts,
    pages,
    prisma,
    ranking,
    screening,
    synthesis_checking,
)
from sysreview.web import appraisal as appraisal_pages
from sysreview.web import extraction as extraction_pages
from sysreview.web import meta as meta_pages
from sysreview.web import search as search_pages
from sysreview.web import synthesis as synthesis_pages
from sysreview.web.security import BodySizeLimit, SecurityHeaders

STATIC = Path(__file__).parent / "static"


def create_app(store: Store, on_shutdown: Callable[[], None] | None = None) -> FastAPI:
    """The web app serving every review in ``store``; ``on_shutdown`` runs when the server
    stops it (``sysreview serve`` stops its ranking worker there)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if on_shutdown is not None:
            on_shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="sysreview",
        version="1",
        description="The sysreview JSON API. Authenticate by logging in (session cookie); "
        "state-changing calls carry the session's CSRF token in an X-CSRF-Token header.",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.store = store
    app.state.throttle = LoginThrottle()
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages.router)
    app.include_router(duplicates.router)
    app.include_router(fulltexts.router)
    app.include_router(screening.router)
    app.include_router(prisma.router)
    app.include_router(extraction_pages.router)
    app.include_router(appraisal_pages.router)
    app.include_router(meta_pages.router)
    app.include_router(ranking.router)
    app.include_router(search_pages.router)
    app.include_router(synthesis_checking.router)
    app.include_router(synthesis_pages.router)
    app.include_router(api.router)
    app.include_router(search_pages.api_router)
    errors.install(app)
    return app
