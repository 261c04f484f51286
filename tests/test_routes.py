"""How the app's routes are put together: the routers' routes added as they are (issue 18)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from idmapping.errors import InvalidRequest
from idmapping.settings import Settings
from idmapping.store import open_store
from idmapping.web import create_app
from idmapping.web.align import router as align_router
from idmapping.web.api import router as api_router
from idmapping.web.basket import router as basket_router
from idmapping.web.downloads import router as downloads_router
from idmapping.web.http import RequestRoute
from idmapping.web.pages import router as pages_router
from reliability import on_own_thread

ROUTERS = (downloads_router, api_router, align_router, basket_router, pages_router)


def test_routers_have_nothing_an_inclusion_would_apply() -> None:
    for router in ROUTERS:
        assert router.prefix == ""
        assert not (router.dependencies or router.tags or router.responses or router.callbacks
                    or router.on_startup or router.on_shutdown)
        assert type(router.lifespan_context) is type(APIRouter().lifespan_context)
        assert router.max_body_size is None and not router.form_limits


def test_the_app_holds_the_routers_routes_in_order(tmp_path: Path) -> None:
    path = str(tmp_path / "routes.sqlite")
    with open_store(path) as store:
        app = create_app(Settings.load(environ={}, store=path), store)
    routes = app.router.routes
    assert all(isinstance(route, APIRoute | Route) for route in routes)
    ours = [route for route in routes if isinstance(route, APIRoute)]
    assert ours == [route for router in ROUTERS for route in router.routes]


async def _answers(*paths: str) -> list[tuple[int, str]]:
    """The status and body of GETs of *paths* on a small app of :class:`RequestRoute`s."""
    router = APIRouter(route_class=RequestRoute)

    @router.get("/alone/{name}")
    async def alone(request: Request) -> Response:
        if request.path_params["name"] == "bad":
            raise InvalidRequest("bad name")
        return Response(request.path_params["name"].encode())

    @router.get("/solved/{name}")
    async def solved(request: Request, name: str, size: int = 25) -> Response:
        return Response(f"{name} {size}".encode())

    app = FastAPI()
    app.include_router(router)
    app.add_exception_handler(InvalidRequest, _invalid)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return [((r := await client.get(path)).status_code, r.text) for path in paths]


async def _invalid(request: Request, exc: InvalidRequest) -> Response:
    return Response(exc.messages[0].encode(), status_code=exc.status)


def test_request_route_calls_an_endpoint_of_the_request_alone() -> None:
    answers = on_own_thread(lambda: asyncio.run(_answers(
        "/alone/x", "/alone/bad", "/solved/y?size=3", "/solved/y?size=z")))
    assert answers[:3] == [(200, "x"), (400, "bad name"), (200, "y 3")]
    assert answers[3][0] == 422  # FastAPI's validation, as before
    handlers = {route.path: route.get_route_handler() for route in api_router.routes
                if isinstance(route, RequestRoute)}
    # the paged results' route is called as it is; a route with parameters is FastAPI's
    assert handlers["/idmapping/results/{job_id}"].__qualname__.startswith("RequestRoute.")
    assert not handlers["/idmapping/stream/{job_id}"].__qualname__.startswith("RequestRoute.")
