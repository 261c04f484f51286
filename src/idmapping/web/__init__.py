"""The HTTP service: UniProt's ID mapping REST API over a store.

Build the app with :func:`create_app`; nothing is created at import time::

    from idmapping.settings import Settings
    from idmapping.web import create_app

    app = create_app(Settings.load(store="my.sqlite"))

``uvicorn --factory idmapping.web:app_from_env`` builds it from ``IDMAPPING_*`` variables.

Every error leaves as one shape, ``{"url": ..., "messages": [...]}`` with the status of the
library's exception (:mod:`idmapping.errors`); FastAPI's own validation errors and unknown
paths too.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from idmapping.errors import IdMappingError
from idmapping.jobs import dispatcher_for
from idmapping.jobs.downloads import DownloadService
from idmapping.jobs.service import JobService
from idmapping.results.facetcache import FacetCache
from idmapping.runtime import tune_gc
from idmapping.settings import Settings
from idmapping.store import Store, open_store
from idmapping.version import __version__
from idmapping.web.align import router as align_router
from idmapping.web.api import router
from idmapping.web.basket import router as basket_router
from idmapping.web.compression import GzipEncoding
from idmapping.web.context import ApiContext
from idmapping.web.downloads import router as downloads_router
from idmapping.web.http import CommonHeaders, ReleasePrefix, StripTrailingSlash, error_response
from idmapping.web.openapi import openapi_document
from idmapping.web.pages import router as pages_router
from idmapping.web.proxies import TrustedProxies, trusted_networks

__all__ = ["create_app", "app_from_env"]

log = logging.getLogger(__name__)


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The API app over *store* (by default the store of ``settings.store_url``).

    On startup, jobs left NEW or RUNNING are queued again and expired jobs are deleted; on
    shutdown, running jobs are waited for and a store the app opened is closed.
    """
    trusted_networks(settings.forwarded_allow_ips)  # a wrong value stops the start, not a request
    owns = store is None
    if store is None:
        store = open_store(settings.store_url, readers=settings.reader_connections)
    jobs = JobService(store, settings, dispatcher_for(settings))
    ctx = ApiContext(
        settings=settings,
        store=store,
        jobs=jobs,
        catalogue=store.catalogue,
        downloads=DownloadService(jobs),
        owns_store=owns,
        facet_cache=FacetCache(settings.facet_cache_entries),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # a damaged store stops the server here, with the file and what to do, rather than
        # starting healthy-looking and failing every job
        ctx.store.verify()
        ctx.jobs.resume()
        ctx.downloads.resume()
        try:
            ctx.jobs.purge()
            ctx.downloads.purge()  # with their files, once their mapping jobs are gone
        except Exception as exc:  # a read-only or full store still serves what it holds
            log.warning("expired jobs were not purged: %s", exc)
        try:
            yield
        finally:
            ctx.jobs.close()
            if ctx.owns_store:
                ctx.store.close()

    app = FastAPI(
        title="idmapping",
        version=__version__,
        description="UniProt-compatible ID mapping: submit a job, poll it, read its results.",
        lifespan=lifespan,
        redirect_slashes=False,
    )
    app.state.ctx = ctx
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    # before the API's routes: /idmapping/{dataset}/results/{jobId} would take its results;
    # before the pages: /id-mapping/basket and /id-mapping/align/{id} are not job ids
    _add_routes(app, downloads_router, router, align_router, basket_router, pages_router)
    app.add_exception_handler(IdMappingError, _library_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    # innermost: it reads the scope the routes mark (compressed=true bodies are sent as they are)
    app.add_middleware(GzipEncoding)
    # every route under /releases/{name} too; inside CommonHeaders, which names that release
    app.add_middleware(ReleasePrefix, known=ctx.serves)
    app.add_middleware(CommonHeaders, release=ctx.release_name, release_date=ctx.release_date,
                       deployed=ctx.deployed)
    app.add_middleware(StripTrailingSlash)
    app.add_middleware(TrustedProxies, trusted=settings.forwarded_allow_ips)  # the outermost
    return app


def _add_routes(app: FastAPI, *routers: APIRouter) -> None:
    """Add the routes of *routers* to *app*, in this order, as they are.

    ``app.include_router`` would keep each router as one route of the app, whose routes FastAPI
    (0.165) scans twice a request, once to find that one of them matches and again to find
    which: a request for a page of results took 61 µs to reach its route, 32 µs so (issue
    18). The routers here have no prefix, tags, dependencies, limits or lifespan of their own
    for an inclusion to apply (``tests/test_routes.py``), and their routes were made with the
    router's own settings (``include_in_schema``), so the same routes in the same order answer
    the same requests and make the same OpenAPI document.
    """
    for added in routers:
        app.router.routes.extend(added.routes)


def app_from_env() -> FastAPI:
    """The app built from ``IDMAPPING_*`` environment variables (a uvicorn factory), in a
    process tuned for serving (:func:`idmapping.runtime.tune_gc`)."""
    tune_gc()
    return create_app(Settings.load())


async def _library_error(request: Request, exc: IdMappingError) -> Response:
    return error_response(request, exc.status, exc.messages)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    messages = []
    for error in exc.errors():
        name = str(error.get("loc", ("", "?"))[-1])
        messages.append(f"The parameter '{name}' has an invalid value: {error.get('msg')}.")
    return error_response(request, 400, messages or ["Invalid request received."])


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        message = "Resource not found"
    elif exc.status_code == 405:
        message = f"Request method '{request.method}' is not supported"
    else:
        message = str(exc.detail)
    return error_response(request, exc.status_code, [message], exc.headers)
