"""How the app's routes are put together: the routers' routes added as they are (issue 18)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import Route

from idmapping.settings import Settings
from idmapping.store import open_store
from idmapping.web import create_app
from idmapping.web.align import router as align_router
from idmapping.web.api import router as api_router
from idmapping.web.basket import router as basket_router
from idmapping.web.downloads import router as downloads_router
from idmapping.web.pages import router as pages_router

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
