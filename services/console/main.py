"""The console (SPEC §12): the single-page app, Swagger UI of every service, the same-origin proxy to
the services' public APIs, and sign-in. No database; the only wiring."""

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from services.console.docs.router import router as docs_router
from services.console.ops.router import router as ops_router
from services.console.proxy.router import router as proxy_router
from services.console.settings import ConsoleSettings
from services.console.signin.router import router as signin_router
from shared.http.contract import refuse_unknown_query_parameters
from shared.http.docs import ASSETS, SWAGGER_UI_DIR
from shared.http.problems import install_problem_handlers
from shared.observability import configure_logging, health_router

STATIC_DIR = Path(__file__).parent / "static"


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = ConsoleSettings()
    configure_logging("INFO")
    # httpx logs every proxied request at INFO with its query: the services log their own requests.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app.state.settings = settings
    app.state.service_urls = settings.service_urls()
    # One pool for every proxied request; no redirects followed (the browser sees what the service said).
    async with httpx.AsyncClient(timeout=settings.proxy_timeout_s, follow_redirects=False) as client:
        app.state.http = client
        yield


app = FastAPI(title="QMS console", version="1.0.0", lifespan=lifespan, docs_url=None, redoc_url=None)
install_problem_handlers(app)
app.include_router(health_router(dict))
app.include_router(signin_router, dependencies=[Depends(refuse_unknown_query_parameters)])
app.include_router(ops_router, dependencies=[Depends(refuse_unknown_query_parameters)])
app.include_router(docs_router)
app.include_router(proxy_router)
app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI_DIR), name="swagger-ui")
app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="app")
