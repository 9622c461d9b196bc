"""Calling an ASGI app directly, to see what it did with a request's body."""

from fastapi import FastAPI
from starlette.types import Message, Scope


async def call_counting_reads(
    app: FastAPI, headers: list[tuple[bytes, bytes]], path: str = "/v1/large"
) -> tuple[int, int]:
    """POSTs a 20 MB body straight through ASGI; returns (status, how often the app asked for body)."""
    reads = 0
    status = 0

    async def receive() -> Message:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"[" * 20_000_000, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"test"), (b"content-type", b"application/json"), *headers],
        "server": ("test", 80),
        "client": ("127.0.0.1", 1),
    }
    await app(scope, receive, send)
    return status, reads
