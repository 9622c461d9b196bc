"""Attachments (SPEC §11, ATT-1…4): photos and documents on what people file.

Each service keeps the attachments of its own objects: the bytes in an object store (S3-compatible in
production, a folder under ``.data/`` in the embedded stack, behind one interface) and the metadata in
an ``attachments`` table of its own schema. An upload is read from the request body in chunks, spooled
to disk, hashed and counted as it comes, so a 20 MB file never sits in memory and a larger one is
refused as soon as it passes the cap. Its type is judged by its content, never its name.
"""

import contextlib
import hashlib
import inspect
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Annotated, Any, Protocol, TypeVar
from urllib.parse import quote, unquote

import anyio
import filetype
import pillow_heif
import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy import BigInteger, DateTime, String, func, select
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from shared.app import Sessions
from shared.auth import Principal, Role, require_roles
from shared.errors import Problem, not_found, unprocessable
from shared.http.session import ReadSession
from shared.workcalendar import CHINA

MAX_BYTES = 20 * 1024 * 1024  # ATT-2
# What an upload route lets through to the streaming parser, which refuses a file past MAX_BYTES itself
# (ATT-2's own 413): the file, its multipart envelope, and room to say why a larger one is refused.
UPLOAD_BODY_BYTES = MAX_BYTES + 4 * 1024 * 1024
CHUNK = 64 * 1024
THUMBNAIL_SIZE = (320, 320)
MAX_NAME = 255
MAX_FIELD = 200

JPEG, PNG, HEIC = "image/jpeg", "image/png", "image/heic"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACCEPTED = (JPEG, PNG, HEIC, PDF, XLSX, DOCX)
# iPhones send HEIC: pillow-heif lets Pillow read and write it like the others.
pillow_heif.register_heif_opener()
PHOTOS = (JPEG, PNG, HEIC)
# A HEIC photo cannot keep its encoding when its location is removed: re-encoded at this quality.
HEIC_QUALITY = 90
# An Office file is a zip whose [Content_Types].xml names its main part.
OFFICE_MAIN_PARTS = {
    "spreadsheetml.sheet.main+xml": XLSX,
    "wordprocessingml.document.main+xml": DOCX,
}


class AttachmentSettings(BaseSettings):
    """Where a service keeps its objects: S3 when an endpoint and bucket are set, else a folder."""

    model_config = SettingsConfigDict(env_prefix="QMS_", extra="ignore")

    attachments_dir: Path | None = Field(None, description="embedded store; default .data/attachments/<service>")
    attachments_s3_endpoint: str | None = None
    attachments_s3_bucket: str | None = None
    attachments_s3_region: str = "us-east-1"
    attachments_s3_access_key: SecretStr | None = None
    attachments_s3_secret_key: SecretStr | None = None
    attachments_max_bytes: int = MAX_BYTES


# --- the object store (ATT-1) -------------------------------------------------------------------


class ObjectStore(Protocol):
    async def put(self, key: str, source: Path, content_type: str) -> None: ...

    def chunks(self, key: str) -> AsyncIterator[bytes]: ...


class FileStore:
    """The embedded stack's store: one file per object under a folder, written whole or not at all."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"object key {key!r} leaves the store")
        return path

    async def put(self, key: str, source: Path, content_type: str) -> None:
        target = self._path(key)
        await anyio.to_thread.run_sync(_copy_then_rename, source, target)

    async def chunks(self, key: str) -> AsyncIterator[bytes]:
        async with await anyio.open_file(self._path(key), "rb") as file:
            while chunk := await file.read(CHUNK):
                yield chunk


def _copy_then_rename(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


class S3Store:
    """Production: an S3-compatible server (MinIO), one bucket per service."""

    def __init__(self, endpoint: str, bucket: str, region: str, access_key: str | None, secret_key: str | None) -> None:
        from aiobotocore.session import get_session

        self.session = get_session()
        self.bucket = bucket
        self.client_args: dict[str, Any] = {
            "endpoint_url": endpoint,
            "region_name": region,
            "aws_access_key_id": access_key,
            "aws_secret_access_key": secret_key,
        }

    async def put(self, key: str, source: Path, content_type: str) -> None:
        async with self.session.create_client("s3", **self.client_args) as client:
            with source.open("rb") as body:
                await client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)

    async def chunks(self, key: str) -> AsyncIterator[bytes]:
        async with self.session.create_client("s3", **self.client_args) as client:
            answer = await client.get_object(Bucket=self.bucket, Key=key)
            async with answer["Body"] as body:
                while chunk := await body.read(CHUNK):
                    yield chunk


def store_for(settings: AttachmentSettings, service: str) -> ObjectStore:
    if settings.attachments_s3_endpoint and settings.attachments_s3_bucket:
        return S3Store(
            settings.attachments_s3_endpoint,
            settings.attachments_s3_bucket,
            settings.attachments_s3_region,
            _secret(settings.attachments_s3_access_key),
            _secret(settings.attachments_s3_secret_key),
        )
    return FileStore(settings.attachments_dir or Path(".data") / "attachments" / service)


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value else None


async def store_of(request: Request) -> ObjectStore:
    """The running service's store, made once from its settings."""
    store: ObjectStore | None = getattr(request.app.state, "attachment_store", None)
    if store is None:
        settings = request.app.state.settings
        store = store_for(settings, settings.service)
        request.app.state.attachment_store = store
    return store


def max_bytes_of(request: Request) -> int:
    return int(getattr(request.app.state.settings, "attachments_max_bytes", MAX_BYTES))


# --- reading an upload (ATT-2, ATT-4) -----------------------------------------------------------


@dataclass
class Upload:
    """A received file, spooled to ``path``; ``fields`` are the form's other (text) fields."""

    path: Path
    name: str = ""
    size: int = 0
    sha256: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def too_large(limit: int) -> Problem:
    return Problem(413, "attachment_too_large", "Attachment too large", f"a file may have at most {limit} bytes")


def unsupported_type(found: str | None) -> Problem:
    accepted = ", ".join(ACCEPTED)
    return Problem(
        415,
        "attachment_type_not_accepted",
        "Attachment type not accepted",
        f"the content is {found or 'of no known type'}; accepted: {accepted}",
        found=found,
        accepted=list(ACCEPTED),
    )


class _FormReader:
    """python-multipart's streaming parser fed chunk by chunk: the file part goes to disk, hashed and
    counted as it arrives; each text field is capped at 200 characters."""

    def __init__(self, boundary: bytes, spool: IO[bytes], upload: Upload, limit: int, allowed: frozenset[str]) -> None:
        self.spool, self.upload, self.limit, self.allowed = spool, upload, limit, allowed
        self.digest = hashlib.sha256()
        self.files = 0
        self.headers: dict[bytes, bytes] = {}
        self.header_name = b""
        self.header_value = b""
        self.part: str | None = None
        self.is_file = False
        self.text = bytearray()
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def write(self, chunk: bytes) -> None:
        self.parser.write(chunk)

    def _part_begin(self) -> None:
        self.headers, self.header_name, self.header_value = {}, b"", b""

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def _header_end(self) -> None:
        self.headers[self.header_name.lower()] = self.header_value
        self.header_name, self.header_value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name not in self.allowed:
            raise unprocessable("unknown_field", f"the form has no field {name!r}", field=name)
        self.part, self.is_file = name, name == "file"
        if self.is_file:
            self.files += 1
            if self.files > 1:
                raise unprocessable("one_file_only", "send one file per request")
            self.upload.name = _file_name(options)
        self.text = bytearray()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        piece = data[start:end]
        if not self.is_file:
            self.text += piece
            if len(self.text) > 4 * MAX_FIELD:
                raise unprocessable("field_too_long", f"{self.part} has more than {MAX_FIELD} characters")
            return
        self.upload.size += len(piece)
        if self.upload.size > self.limit:
            raise too_large(self.limit)
        self.digest.update(piece)
        self.spool.write(piece)

    def _part_end(self) -> None:
        if self.part is not None and not self.is_file:
            value = self.text.decode("utf-8", "replace")
            if len(value) > MAX_FIELD:
                raise unprocessable("field_too_long", f"{self.part} has more than {MAX_FIELD} characters")
            self.upload.fields[self.part] = value
        self.part, self.is_file = None, False


def _file_name(options: dict[bytes, bytes]) -> str:
    """The sender's file name without any folder part: RFC 5987 ``filename*`` first, then ``filename``."""
    extended = options.get(b"filename*")
    if extended and b"''" in extended:
        charset, _, value = extended.decode("latin-1").partition("''")
        raw = unquote(value, encoding=charset or "utf-8", errors="replace")
    else:
        raw = options.get(b"filename", b"").decode("utf-8", "replace")
    name = re.split(r"[\\/]", raw)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:MAX_NAME] or "attachment"


@contextlib.asynccontextmanager
async def received_upload(request: Request, limit: int, text_fields: tuple[str, ...] = ()) -> AsyncIterator[Upload]:
    """Reads a ``multipart/form-data`` body with one file in field ``file``; the spooled file is
    removed on the way out, whatever happened."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        detail = "send multipart/form-data with the file in field 'file'"
        raise Problem(415, "multipart_required", "Unsupported media type", detail)
    with tempfile.TemporaryDirectory(prefix="qms-upload-") as folder:
        upload = Upload(path=Path(folder) / "upload")
        with upload.path.open("wb") as spool:
            reader = _FormReader(boundary, spool, upload, limit, frozenset(("file", *text_fields)))
            async for chunk in request.stream():
                reader.write(chunk)
        if reader.files == 0:
            raise unprocessable("file_missing", "the form has no field 'file'")
        if upload.size == 0:
            raise unprocessable("file_empty", "the file is empty")
        upload.sha256 = reader.digest.hexdigest()
        yield upload


# --- what the content is, and what a photo keeps (ATT-2) ----------------------------------------


def judge_type(path: Path) -> str:
    """The accepted content type of the file at ``path``, judged by its bytes; else a 415."""
    kind = filetype.guess(str(path))
    found = kind.mime if kind else None
    if found in (JPEG, PNG, HEIC, PDF):
        return found
    if found in ("application/zip", XLSX, DOCX):
        office = _office_type(path)
        if office:
            return office
    raise unsupported_type(found)


def _office_type(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive, archive.open("[Content_Types].xml") as types:
            manifest = types.read(256 * 1024).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return next((kind for part, kind in OFFICE_MAIN_PARTS.items() if part in manifest), None)


@dataclass(frozen=True)
class Photo:
    location_removed: bool
    thumbnail: Path


def prepare_photo(path: Path, content_type: str) -> Photo:
    """Removes the location (EXIF GPS, and any XMP packet, which may repeat it) in place and writes a
    JPEG thumbnail beside the file. A photo Pillow cannot read is a 422."""
    try:
        with Image.open(path) as image:
            image.load()
            exif = image.getexif()
            has_location = ExifTags.IFD.GPSInfo in exif or "xmp" in image.info or "XML:com.adobe.xmp" in image.info
            if has_location:
                _rewrite_without_location(image, exif, path, content_type)
            thumbnail = path.with_name(path.name + ".thumbnail.jpg")
            _write_thumbnail(image, thumbnail)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise unprocessable("photo_unreadable", f"the photo cannot be read: {error}") from None
    return Photo(location_removed=has_location, thumbnail=thumbnail)


def _rewrite_without_location(image: Image.Image, exif: Image.Exif, path: Path, content_type: str) -> None:
    exif.pop(ExifTags.IFD.GPSInfo, None)
    cleaned = path.with_name(path.name + ".clean")
    kept = {"exif": exif.tobytes(), "icc_profile": image.info.get("icc_profile")}
    if content_type == JPEG:
        # "keep" reuses the photo's own quantisation tables: no second loss of quality.
        image.save(cleaned, format="JPEG", quality="keep", **kept)
    elif content_type == HEIC:
        image.save(cleaned, format="HEIF", quality=HEIC_QUALITY, **kept)
    else:
        image.save(cleaned, format="PNG", **kept)
    os.replace(cleaned, path)


def _write_thumbnail(image: Image.Image, target: Path) -> None:
    small = ImageOps.exif_transpose(image)
    small.thumbnail(THUMBNAIL_SIZE)
    small.convert("RGB").save(target, format="JPEG", quality=80)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- metadata (ATT-1) and answers (ATT-4) -------------------------------------------------------


class AttachmentRecord:
    """The columns of a service's ``attachments`` table; a service maps it on its own Base."""

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    owner_kind: Mapped[str] = mapped_column(String(50))
    owner_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    thumbnail_key: Mapped[str | None] = mapped_column(String(300))
    location_removed: Mapped[bool] = mapped_column(default=False)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_by_name: Mapped[str | None] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    replaces: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    replaced_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))


# People read China time; the same attachment reads the same whoever asks.
ChinaTime = Annotated[datetime, AfterValidator(lambda moment: moment.astimezone(CHINA))]


class AttachmentOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    owner_kind: str
    owner_id: str
    name: str
    content_type: str
    size: int
    sha256: str = Field(description="SHA-256 of the stored bytes, as downloaded")
    has_thumbnail: bool
    location_removed: bool
    uploaded_by: str
    uploaded_by_name: str | None
    uploaded_at: ChinaTime
    replaces: uuid.UUID | None
    replaced_by: uuid.UUID | None


class AttachmentList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[AttachmentOut]


def to_out(record: AttachmentRecord) -> AttachmentOut:
    return AttachmentOut(
        id=record.id,
        owner_kind=record.owner_kind,
        owner_id=record.owner_id,
        name=record.name,
        content_type=record.content_type,
        size=record.size,
        sha256=record.sha256,
        has_thumbnail=record.thumbnail_key is not None,
        location_removed=record.location_removed,
        uploaded_by=record.uploaded_by,
        uploaded_by_name=record.uploaded_by_name,
        uploaded_at=record.uploaded_at,
        replaces=record.replaces,
        replaced_by=record.replaced_by,
    )


def content_disposition(name: str) -> str:
    """RFC 6266 with RFC 5987 ``filename*``: the original (Chinese) name, and an ASCII fallback."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(store: ObjectStore, key: str, content_type: str, name: str, size: int | None = None) -> StreamingResponse:
    headers = {"Content-Disposition": content_disposition(name), "X-Content-Type-Options": "nosniff"}
    if size is not None:
        headers["Content-Length"] = str(size)
    return StreamingResponse(store.chunks(key), media_type=content_type, headers=headers)


@dataclass
class Prepared:
    """An accepted upload ready to store: its type, final hash, and thumbnail if a photo."""

    content_type: str
    sha256: str
    size: int
    thumbnail: Path | None
    location_removed: bool


def prepare(upload: Upload) -> Prepared:
    """ATT-2 on a received file: judged by content, location removed from photos, thumbnail made. The
    hash and size are of the bytes kept (a photo whose location was removed is no longer the bytes sent)."""
    content_type = judge_type(upload.path)
    if content_type not in PHOTOS:
        return Prepared(content_type, upload.sha256, upload.size, None, False)
    photo = prepare_photo(upload.path, content_type)
    if not photo.location_removed:
        return Prepared(content_type, upload.sha256, upload.size, photo.thumbnail, False)
    return Prepared(content_type, sha256_of(upload.path), upload.path.stat().st_size, photo.thumbnail, True)


def storage_keys(owner_kind: str, attachment_id: uuid.UUID) -> tuple[str, str]:
    base = f"{owner_kind}/{attachment_id}"
    return f"{base}/original", f"{base}/thumbnail.jpg"


async def store_prepared(store: ObjectStore, prepared: Prepared, upload: Upload, owner_kind: str) -> dict[str, Any]:
    """Puts the bytes (and thumbnail) in the store before the metadata is written: a row never points
    at nothing. Returns the record's columns."""
    attachment_id = uuid.uuid4()
    key, thumbnail_key = storage_keys(owner_kind, attachment_id)
    await store.put(key, upload.path, prepared.content_type)
    if prepared.thumbnail is not None:
        await store.put(thumbnail_key, prepared.thumbnail, JPEG)
    return {
        "id": attachment_id,
        "owner_kind": owner_kind,
        "name": upload.name,
        "content_type": prepared.content_type,
        "size": prepared.size,
        "sha256": prepared.sha256,
        "storage_key": key,
        "thumbnail_key": thumbnail_key if prepared.thumbnail is not None else None,
        "location_removed": prepared.location_removed,
    }


def create_attachments_table(schema: str) -> None:
    """For a service's migration: the ``attachments`` table of ATT-1 in ``schema``."""
    from alembic import op

    op.create_table(
        "attachments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("owner_kind", sa.String(50), nullable=False),
        sa.Column("owner_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(MAX_NAME), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(300), nullable=False),
        sa.Column("thumbnail_key", sa.String(300)),
        sa.Column("location_removed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("uploaded_by_name", sa.String(200)),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("replaces", UUID(as_uuid=True), sa.ForeignKey(f"{schema}.attachments.id")),
        sa.Column("replaced_by", UUID(as_uuid=True), sa.ForeignKey(f"{schema}.attachments.id")),
        sa.Index("ix_attachments_owner", "owner_kind", "owner_id"),
        schema=schema,
    )


# --- the SQL every service's attachments table answers (ATT-1) ----------------------------------

R = TypeVar("R", bound=AttachmentRecord)


async def insert_record(session: AsyncSession, model: type[R], columns: dict[str, Any]) -> R:
    record = model(**columns)
    session.add(record)
    await session.flush()
    await session.refresh(record)
    return record


async def get_record(session: AsyncSession, model: type[R], attachment_id: uuid.UUID, owner_kind: str) -> R | None:
    record = await session.get(model, attachment_id)
    return record if record is not None and record.owner_kind == owner_kind else None


async def records_of(
    session: AsyncSession, model: type[R], owner_kind: str, owner_id: str, include_replaced: bool
) -> list[R]:
    table: Any = model
    query = select(model).where(table.owner_kind == owner_kind, table.owner_id == owner_id)
    if not include_replaced:
        query = query.where(table.replaced_by.is_(None))
    return list(await session.scalars(query.order_by(table.uploaded_at, table.id)))


async def replaceable(session: AsyncSession, model: type[R], owner_kind: str, owner_id: str, replaces: uuid.UUID) -> R:
    """The attachment a new one replaces, locked (two replacements of one cannot both win): it must
    belong to the same object and not be replaced already."""
    table: Any = model
    previous = await session.scalar(select(model).where(table.id == replaces).with_for_update())
    if previous is None or previous.owner_kind != owner_kind or previous.owner_id != owner_id:
        raise unprocessable("invalid_replaces", f"{owner_kind} {owner_id} has no attachment {replaces}")
    if previous.replaced_by is not None:
        raise Problem(
            409,
            "attachment_already_replaced",
            "Conflict",
            f"attachment {replaces} was replaced by {previous.replaced_by}; replace that one",
            replaced_by=str(previous.replaced_by),
        )
    return previous


def parse_replaces(value: str | None) -> uuid.UUID | None:
    if value is None or not value.strip():
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise unprocessable("invalid_replaces", "replaces is the id of an attachment of the same object") from None


@dataclass(frozen=True)
class Accepted:
    """An upload stored and ready for its row: the columns, and what it replaces if anything."""

    columns: dict[str, Any]
    replaces: uuid.UUID | None


async def accept_upload(
    request: Request,
    store: ObjectStore,
    owner_kind: str,
    check_replaces: Callable[[uuid.UUID], Awaitable[object]],
) -> Accepted:
    """ATT-2 end to end for one request: read (capped, hashed, spooled), judged, photo cleaned and
    thumbnailed, stored. The row is the caller's, written with the owning object's history entry.
    ``check_replaces`` refuses a ``replaces`` naming no attachment of the object before anything is
    stored (the row's transaction checks it again, locked)."""
    async with received_upload(request, max_bytes_of(request), text_fields=("replaces",)) as upload:
        replaces = parse_replaces(upload.fields.get("replaces"))
        if replaces is not None:
            await check_replaces(replaces)
        prepared = await anyio.to_thread.run_sync(prepare, upload)
        columns = await store_prepared(store, prepared, upload, owner_kind)
    return Accepted(columns, replaces)


SeesOwner = Callable[[AsyncSession, str, Principal], Awaitable[bool]]


def seen_by_roles(roles: tuple[Role, ...]) -> SeesOwner:
    """ATT-3 for an object any holder of these roles may read: its attachments are read by them too, and
    anyone else is refused as the object's own routes refuse them (403, the roles named)."""

    async def sees(session: AsyncSession, owner_id: str, reader: Principal) -> bool:
        if not reader.has_any(roles):
            allowed = ", ".join(role.value for role in roles)
            raise Problem(403, "forbidden", "Forbidden", f"this action needs one of the roles: {allowed}")
        return True

    return sees


def readers_of(*role_sets: tuple[Role, ...]) -> tuple[Role, ...]:
    """The roles that read at least one kind of a service's objects: who may ask ``/v1/attachments/{id}``
    at all; the owning object decides the rest."""
    return tuple(dict.fromkeys(role for roles in role_sets for role in roles))


async def readable_record(
    session: AsyncSession, model: type[R], attachment_id: uuid.UUID, reader: Principal, sees: dict[str, SeesOwner]
) -> R:
    """ATT-3: an attachment is seen by exactly who sees its object; for anyone else it does not exist."""
    record = await session.get(model, attachment_id)
    owner_rights = sees.get(record.owner_kind) if record is not None else None
    if record is None or owner_rights is None or not await owner_rights(session, record.owner_id, reader):
        raise not_found("attachment", str(attachment_id))
    return record


async def add_record(
    session: AsyncSession, model: type[R], owner_id: str, accepted: Accepted, actor: Principal
) -> tuple[R, R | None]:
    """The row of a stored upload, and the attachment it replaces (locked, marked replaced, kept: records
    are evidence, nothing is deleted). The caller writes the owning object's history entry, if it keeps one."""
    owner_kind = accepted.columns["owner_kind"]
    previous = None
    if accepted.replaces is not None:
        previous = await replaceable(session, model, owner_kind, owner_id, accepted.replaces)
    record = await insert_record(
        session,
        model,
        {
            **accepted.columns,
            "owner_id": owner_id,
            "uploaded_by": actor.sub,
            "uploaded_by_name": actor.name or None,
            "replaces": accepted.replaces,
        },
    )
    if previous is not None:
        previous.replaced_by = record.id
    return record, previous


async def upload_to(
    request: Request,
    store: ObjectStore,
    sessions: async_sessionmaker[AsyncSession],
    model: type[R],
    owner: tuple[str, str],
    may_attach: Callable[[AsyncSession], Awaitable[None]],
    attach: Callable[[AsyncSession, Accepted], Awaitable[R]],
) -> AttachmentOut:
    """ATT-4's POST for one object ``owner`` (kind, id): ``may_attach`` refuses before the body is read
    (no 20 MB taken in for an object that does not exist or is not the caller's); ``attach`` writes the
    row, with the object's history entry where it keeps one, in one transaction."""
    owner_kind, owner_id = owner
    async with sessions() as session:
        await may_attach(session)

    async def replaceable_here(replaces: uuid.UUID) -> None:
        async with sessions() as session:
            await replaceable(session, model, owner_kind, owner_id, replaces)

    accepted = await accept_upload(request, store, owner_kind, replaceable_here)
    async with sessions() as session, session.begin():
        return to_out(await attach(session, accepted))


def history_detail(attachment: AttachmentRecord, previous: AttachmentRecord | None) -> dict[str, Any]:
    """What the owning object's history keeps of an added or replacing attachment."""
    detail: dict[str, Any] = {"attachment": _summary(attachment)}
    if previous is not None:
        detail["replaces"] = _summary(previous)
    return detail


def _summary(record: AttachmentRecord) -> dict[str, str]:
    return {"id": str(record.id), "name": record.name, "sha256": record.sha256}


UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "additionalProperties": False,
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "at most 20 MB"},
                        "replaces": {"type": "string", "format": "uuid", "description": "the attachment it replaces"},
                    },
                }
            }
        },
    }
}
UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"description": "over 20 MB"},
    415: {"description": "not multipart, or a type not accepted"},
}


# A route's parameter for the running service's store (``store_of``).
Store = Annotated[ObjectStore, Depends(store_of)]

Readable = Callable[[AsyncSession, uuid.UUID, Principal], Awaitable[AttachmentRecord]]


def download_routes(readable: Readable, readers: tuple[Role, ...]) -> APIRouter:
    """``GET /v1/attachments/{id}`` and its thumbnail (ATT-4), the same in every service: whoever holds
    one of ``readers`` asks, and ``readable`` decides with the owning object's rights (ATT-3)."""
    router = APIRouter(tags=["attachments"])
    reader = Depends(require_roles(*readers))

    @router.get("/v1/attachments/{attachment_id}", response_class=StreamingResponse)
    async def get_attachment(
        attachment_id: uuid.UUID,
        sessions: Sessions,
        store: Store,
        principal: Principal = reader,
    ) -> StreamingResponse:
        """The bytes as stored, with the original (Chinese) file name (RFC 5987 ``filename*``)."""
        async with sessions() as session:
            attachment = await readable(session, attachment_id, principal)
        return download(store, attachment.storage_key, attachment.content_type, attachment.name, attachment.size)

    @router.get("/v1/attachments/{attachment_id}/thumbnail", response_class=StreamingResponse)
    async def get_attachment_thumbnail(
        attachment_id: uuid.UUID,
        sessions: Sessions,
        store: Store,
        principal: Principal = reader,
    ) -> StreamingResponse:
        """A JPEG at most 320 px a side, for photos; a document has none (404)."""
        async with sessions() as session:
            attachment = await readable(session, attachment_id, principal)
        if attachment.thumbnail_key is None:
            raise not_found("thumbnail", str(attachment_id))
        return download(store, attachment.thumbnail_key, "image/jpeg", f"{attachment.name}.thumbnail.jpg")

    return router


# What an owner's routes ask its service, the object's id taken from the path: may the caller attach
# to it, or read its attachments (each raises if not); attach the stored upload.
OwnerCheck = Callable[[AsyncSession, uuid.UUID, Principal], Awaitable[object]]
Attach = Callable[[AsyncSession, uuid.UUID, Accepted, Principal], Awaitable[AttachmentRecord]]

INCLUDE_REPLACED = Annotated[bool, Query(description="also the attachments replaced since")]


@dataclass(frozen=True)
class Owner:
    """One kind of object that holds attachments (ATT-4), as its two routes need it: ``path`` (its
    object's id the one path parameter), ``kind`` (the rows' ``owner_kind``), who may add (``filers``)
    and list (``readers``), what its service checks (``may_attach`` before the body is read,
    ``may_read`` before listing), the routes' ``names`` (add, list: their operation ids and summaries)
    and the upload's description (``doc``). ``attach`` writes the row with the object's history entry;
    an object that keeps no history leaves it out, and the row alone records the upload, written
    once ``may_attach`` passed again in the row's transaction."""

    path: str
    kind: str
    model: type[AttachmentRecord]
    filers: tuple[Role, ...]
    readers: tuple[Role, ...]
    may_attach: OwnerCheck
    may_read: OwnerCheck
    names: tuple[str, str]
    doc: str
    attach: Attach | None = None

    @property
    def object_id(self) -> str:
        match = re.search(r"{(\w+)}", self.path)
        assert match is not None, f"an owner's path names its object's id: {self.path}"
        return match.group(1)


def _endpoint_signature(object_id: str, roles: tuple[Role, ...], *between: tuple[Any, ...]) -> inspect.Signature:
    """An owner route's parameters as FastAPI reads them: the object's id named as in the path, ``between``
    as (name, annotation[, default]), and a caller holding one of ``roles``."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    return inspect.Signature(
        [
            inspect.Parameter(object_id, keyword, annotation=uuid.UUID),
            *(
                inspect.Parameter(
                    name, keyword, annotation=annotation, default=default[0] if default else inspect.Parameter.empty
                )
                for name, annotation, *default in between
            ),
            inspect.Parameter("principal", keyword, annotation=Principal, default=Depends(require_roles(*roles))),
        ]
    )


def _add_endpoint(owner: Owner) -> Callable[..., Awaitable[AttachmentOut]]:
    async def add(**values: Any) -> AttachmentOut:
        owner_id, principal = values[owner.object_id], values["principal"]

        async def may_attach(session: AsyncSession) -> None:
            await owner.may_attach(session, owner_id, principal)

        async def attach(session: AsyncSession, accepted: Accepted) -> AttachmentRecord:
            if owner.attach is not None:
                return await owner.attach(session, owner_id, accepted, principal)
            await owner.may_attach(session, owner_id, principal)
            record, _ = await add_record(session, owner.model, str(owner_id), accepted, principal)
            return record

        target = (owner.kind, str(owner_id))
        return await upload_to(
            values["request"], values["store"], values["sessions"], owner.model, target, may_attach, attach
        )

    add.__signature__ = _endpoint_signature(  # type: ignore[attr-defined]
        owner.object_id, owner.filers, ("request", Request), ("sessions", Sessions), ("store", Store)
    )
    return add


def _list_endpoint(owner: Owner) -> Callable[..., Awaitable[AttachmentList]]:
    async def list_(**values: Any) -> AttachmentList:
        session, owner_id = values["session"], values[owner.object_id]
        await owner.may_read(session, owner_id, values["principal"])
        found = await records_of(session, owner.model, owner.kind, str(owner_id), values["include_replaced"])
        return AttachmentList(items=[to_out(record) for record in found])

    list_.__signature__ = _endpoint_signature(  # type: ignore[attr-defined]
        owner.object_id, owner.readers, ("session", ReadSession), ("include_replaced", INCLUDE_REPLACED, False)
    )
    return list_


def owner_routes(*owners: Owner, readable: Readable) -> APIRouter:
    """A service's attachment routes (ATT-4): per owner, ``POST`` and ``GET`` of its ``path``, then the
    download routes (``download_routes``), asked by whoever reads one of the owners. ``add_api_route(...,
    name=...)`` keeps each route's operation id and summary as a decorated function of that name would
    have them."""
    router = APIRouter(tags=["attachments"])
    for owner in owners:
        add_name, list_name = owner.names
        router.add_api_route(
            owner.path,
            _add_endpoint(owner),
            methods=["POST"],
            name=add_name,
            description=inspect.cleandoc(owner.doc),
            status_code=201,
            response_model=AttachmentOut,
            max_body_size=UPLOAD_BODY_BYTES,
            openapi_extra=UPLOAD_BODY,
            responses=UPLOAD_RESPONSES,
        )
        router.add_api_route(
            owner.path, _list_endpoint(owner), methods=["GET"], name=list_name, response_model=AttachmentList
        )
    router.include_router(download_routes(readable, readers_of(*(owner.readers for owner in owners))))
    return router
