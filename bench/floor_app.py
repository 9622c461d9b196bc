"""The floor for ``intake_post_rps``: the bare app plus the least a durable write costs — one
``INSERT … COMMIT`` of the validated body as jsonb, through the services' driver and pool
(``shared.db.create_engine``: SQLAlchemy over asyncpg, the same pool size), into ``bench.floor_posts``.

Served by uvicorn exactly as the services are (``shared.stack.uvicorn_command``); it reads the bench
service's settings (``QMS_DATABASE_URL``) from the environment."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

from services.intake.complaints.schemas import ComplaintIn
from shared.db import create_engine
from shared.settings import ServiceSettings

INSERT = text("INSERT INTO floor_posts (body) VALUES (:body) RETURNING id").bindparams(bindparam("body", type_=JSONB))


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    engine = create_engine(ServiceSettings(service="bench"))
    app.state.engine = engine
    try:
        yield
    finally:
        await engine.dispose()


app = FastAPI(title="floor baseline", lifespan=lifespan)


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/v1/complaints", status_code=201)
async def create_complaint(payload: ComplaintIn) -> JSONResponse:
    body = payload.model_dump(mode="json")
    async with app.state.engine.begin() as conn:
        row_id = await conn.scalar(INSERT, {"body": body})
    return JSONResponse({**body, "id": row_id}, status_code=201)
