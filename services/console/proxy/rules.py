"""What the same-origin proxy passes on: pure decisions on paths and headers."""

from collections.abc import Iterable

# RFC 9110 §7.6.1: connection-specific fields belong to one hop, never forwarded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# The browser's cookies and host are the console's own; the service sees its own host.
NOT_FOR_THE_SERVICE = HOP_BY_HOP | {"host", "cookie"}
NOT_FOR_THE_BROWSER = HOP_BY_HOP | {"set-cookie"}

# What a front end may reach: the public API and the documents about it. /metrics stays inside.
PUBLIC_PATHS = ("v1/", "openapi.json", "healthz", "readyz")


def is_public_path(path: str) -> bool:
    """True for the services' public interface (SPEC §7); nothing else goes through the proxy."""
    if ".." in path.split("/"):
        return False
    return any(path == prefix or (prefix.endswith("/") and path.startswith(prefix)) for prefix in PUBLIC_PATHS)


def _connection_tokens(headers: Iterable[tuple[str, str]]) -> set[str]:
    """Fields the sender named in Connection, which are hop-by-hop too."""
    return {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
        if token.strip()
    }


def request_headers_for_service(headers: list[tuple[str, str]], client_host: str | None) -> list[tuple[str, str]]:
    dropped = NOT_FOR_THE_SERVICE | _connection_tokens(headers)
    kept = [(name, value) for name, value in headers if name.lower() not in dropped]
    if client_host:
        kept.append(("x-forwarded-for", client_host))
    return kept


def response_headers_for_browser(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    dropped = NOT_FOR_THE_BROWSER | _connection_tokens(headers)
    return [(name, value) for name, value in headers if name.lower() not in dropped]
