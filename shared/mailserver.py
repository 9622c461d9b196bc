"""The embedded stack's local mail server (NTF-2): a real SMTP server (aiosmtpd) that keeps every message
it is given as one ``.eml`` file, so what the services mailed can be opened and read."""

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class KeepAsFiles:
    """aiosmtpd handler: each accepted message becomes ``<UTC time>-<random>.eml`` in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content: Any = envelope.original_content or envelope.content or b""
        data = content if isinstance(content, bytes) else str(content).encode()
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}.eml"
        # Written aside and renamed: a reader never sees half a message.
        partial = self.directory / f".{name}.part"
        partial.write_bytes(data)
        partial.rename(self.directory / name)
        return "250 Message accepted for delivery"


class LocalMailServer:
    def __init__(self, port: int, directory: Path) -> None:
        self.port = port
        self.directory = directory
        self.controller: Controller | None = None

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.controller = Controller(KeepAsFiles(self.directory), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))
