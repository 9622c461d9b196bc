"""Swagger UI (5.x) from the files the fastapi-offline package ships: no page of the API docs loads from a CDN."""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_UI_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS = "/docs/assets"


def swagger_page(title: str, openapi_url: str, assets: str = ASSETS) -> HTMLResponse:
    """A Swagger UI page whose script, style sheet and icon come from ``assets`` on the same server."""
    return get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon.png",
    )


def install_local_docs(app: FastAPI, title: str) -> None:
    """``/docs`` served from local files; the app must be created with ``docs_url=None, redoc_url=None``."""
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI_DIR), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        # Behind the proxy (X-Forwarded-Prefix as root_path) the page loads both through the prefix.
        root = request.scope.get("root_path", "").rstrip("/")
        return swagger_page(f"{title} — API", f"{root}/openapi.json", f"{root}{ASSETS}")
