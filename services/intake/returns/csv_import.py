"""RET-1 for ERPs that can only drop files: posts a CSV of return lines to ``/v1/returns/batches``.

    python -m services.intake.returns.csv_import returns.csv --url http://127.0.0.1:8001 --token "$TOKEN"

The first row names the columns (the JSON field names of RET-1); empty optional cells are left out.
The file may be UTF-8 (with or without a byte-order mark) or GBK/GB18030, as Chinese Excel saves it.
Lines go in chunks of at most 10,000. A chunk retried after a lost answer carries the same
Idempotency-Key, so it is kept once; running the same file again is harmless too (RET-2: every line id
seen before is reported as a duplicate). Rejected lines are
reported with their CSV row number. Exit status: 0 every line kept or a duplicate, 1 some lines
rejected, 2 the import stopped (a bad file, the service unreachable) — running it again is safe.
"""

import argparse
import csv
import hashlib
import io
import json
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from services.intake.returns.schemas import MAX_LINES

REQUIRED = ("line_id", "model", "production_date", "batch_no", "shipped_batch_no", "quantity")
OPTIONAL = ("customer_id", "reason", "returned_at")
FIRST_DATA_ROW = 2  # row 1 is the header
RETRIES = 3


class BadFile(ValueError):
    pass


def check_header(columns: list[str] | None) -> None:
    if not columns:
        raise BadFile("the file has no header row")
    missing = [name for name in REQUIRED if name not in columns]
    unknown = [name for name in columns if name not in REQUIRED + OPTIONAL]
    if missing or unknown:
        raise BadFile(f"columns missing: {missing or 'none'}; columns not known: {unknown or 'none'}")


def to_line(row: dict[str, str | None]) -> dict[str, Any]:
    """One CSV row as the API's JSON line; the server judges its content (RET-2)."""
    line: dict[str, Any] = {}
    for name, value in row.items():
        text = (value or "").strip()
        if name in OPTIONAL and not text:
            continue
        line[name] = int(text) if name == "quantity" and text.lstrip("-").isdigit() else text
    return line


# UTF-8 first: it is strict, so GBK text almost never passes for it; GB18030 is the superset of GBK
# (and of GB2312) that Chinese spreadsheets save.
ENCODINGS = ("utf-8-sig", "gb18030")


def decode(raw: bytes) -> str:
    """The file's text in the first encoding it is valid in; neither is a bad file, not a crash."""
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadFile(f"the file is neither UTF-8 nor GBK/GB18030 text; save it as CSV UTF-8 ({', '.join(ENCODINGS)})")


def read_lines(path: Path) -> list[dict[str, Any]]:
    text = decode(path.read_bytes())
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        check_header(list(reader.fieldnames or []))
        return [to_line(row) for row in reader]
    except csv.Error as exc:
        raise BadFile(f"not a readable CSV file: {exc}") from None


def chunks(lines: list[dict[str, Any]], size: int) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    for start in range(0, len(lines), size):
        yield start, lines[start : start + size]


def idempotency_key(run: str, body: bytes) -> str:
    """One key per chunk of one run: a retry replays the answer, a later run asks afresh."""
    return f"csv-{run}-{hashlib.sha256(body).hexdigest()[:32]}"


@dataclass
class Summary:
    accepted: int = 0
    duplicates: int = 0
    duplicate_line_ids: list[str] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def add(self, offset: int, result: dict[str, Any]) -> None:
        self.accepted += result["accepted"]
        self.duplicates += result["duplicates"]
        self.duplicate_line_ids.extend(result.get("duplicate_line_ids", []))
        for rejected in result["rejected"]:
            self.rejected.append({**rejected, "row": offset + rejected["index"] + FIRST_DATA_ROW})


def post_chunk(client: httpx.Client, run: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Posts one chunk; retries what a retry can fix (the connection, a 5xx, a 429)."""
    body = json.dumps({"lines": lines}, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": idempotency_key(run, body)}
    for attempt in range(1, RETRIES + 1):
        try:
            response = client.post("/v1/returns/batches", content=body, headers=headers)
        except httpx.TransportError:
            if attempt == RETRIES:
                raise
        else:
            if response.status_code < 500 and response.status_code != 429:
                response.raise_for_status()
                result: dict[str, Any] = response.json()
                return result
            if attempt == RETRIES:
                response.raise_for_status()
        time.sleep(2**attempt)
    raise AssertionError("unreachable")


def import_file(path: Path, url: str, token: str, chunk_size: int = 5_000, timeout: float = 120) -> Summary:
    lines = read_lines(path)
    summary, run = Summary(), uuid.uuid4().hex
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout) as client:
        for offset, chunk in chunks(lines, chunk_size):
            summary.add(offset, post_chunk(client, run, chunk))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="intake's base URL")
    parser.add_argument("--token", required=True, help="a bearer token with the erp role")
    parser.add_argument("--chunk", type=int, default=5_000, help=f"lines per request (at most {MAX_LINES})")
    args = parser.parse_args(argv)
    if not 1 <= args.chunk <= MAX_LINES:
        parser.error(f"--chunk must be between 1 and {MAX_LINES}")
    try:
        summary = import_file(args.file, args.url, args.token, args.chunk)
    except (OSError, BadFile, httpx.HTTPError) as exc:
        print(f"import stopped: {exc}; what was sent is kept and running the file again is safe", file=sys.stderr)
        return 2
    report = {
        "accepted": summary.accepted,
        "duplicates": summary.duplicates,
        "duplicate_line_ids": summary.duplicate_line_ids,
        "rejected": summary.rejected,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 1 if summary.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
