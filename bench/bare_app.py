"""The baseline for ``intake_post_rps``: FastAPI validating the same complaint body, no I/O, no auth.

Served by uvicorn exactly as the services are (``shared.stack.uvicorn_command``).
"""

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from services.intake.complaints.schemas import ComplaintIn

app = FastAPI(title="bare baseline")


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/v1/complaints", status_code=201)
async def create_complaint(payload: ComplaintIn) -> JSONResponse:
    return JSONResponse(payload.model_dump(mode="json"), status_code=201)
