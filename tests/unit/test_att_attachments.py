"""ATT-2 on files made here: type judged by content, location removed, thumbnail made; ATT-3 names."""

from pathlib import Path

import pytest
from PIL import Image

from shared.attachments import (
    DOCX,
    HEIC,
    JPEG,
    PDF,
    PNG,
    XLSX,
    FileStore,
    Upload,
    _file_name,
    _FormReader,
    content_disposition,
    judge_type,
    prepare,
    sha256_of,
)
from shared.errors import Problem
from tests import attachment_files as files


def _write(tmp_path: Path, data: bytes, name: str = "upload") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (files.jpeg_with_gps(), JPEG),
        (files.png(), PNG),
        (files.pdf(), PDF),
        (files.xlsx(), XLSX),
        (files.docx(), DOCX),
    ],
    ids=["jpeg", "png", "pdf", "xlsx", "docx"],
)
def test_att2_accepted_types_are_judged_by_content(tmp_path: Path, data: bytes, expected: str) -> None:
    assert judge_type(_write(tmp_path, data, "no-extension")) == expected


def test_att2_an_executable_named_jpg_is_refused_with_415(tmp_path: Path) -> None:
    with pytest.raises(Problem) as refused:
        judge_type(_write(tmp_path, files.executable(), "样品.jpg"))
    assert refused.value.status == 415
    assert refused.value.extensions["found"] == "application/x-msdownload"


def test_att2_a_zip_that_is_no_office_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Problem) as refused:
        judge_type(_write(tmp_path, files.plain_zip(), "report.docx"))
    assert refused.value.status == 415


def test_att2_plain_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Problem) as refused:
        judge_type(_write(tmp_path, "只是文字".encode(), "note.pdf"))
    assert refused.value.status == 415


def test_att2_gps_is_removed_from_a_photo_and_the_hash_is_of_the_kept_bytes(tmp_path: Path) -> None:
    sent = files.jpeg_with_gps()
    assert files.gps_of(sent), "the test photo carries a location"
    path = _write(tmp_path, sent)
    prepared = prepare(Upload(path=path, name="样品.jpg", size=len(sent), sha256="sent-hash"))
    kept = path.read_bytes()
    assert files.gps_of(kept) == {}
    assert files.make_of(kept) == "QMS test camera"
    assert prepared.location_removed
    assert prepared.sha256 == sha256_of(path) != "sent-hash"
    assert prepared.size == len(kept)


def test_att2_a_photo_gets_a_thumbnail_at_most_320_px(tmp_path: Path) -> None:
    sent = files.jpeg_with_gps(1200, 900)
    prepared = prepare(Upload(path=_write(tmp_path, sent), size=len(sent), sha256="x"))
    assert prepared.thumbnail is not None
    with Image.open(prepared.thumbnail) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert max(thumbnail.size) == 320


def test_att2_a_document_keeps_its_bytes_and_has_no_thumbnail(tmp_path: Path) -> None:
    sent = files.pdf()
    path = _write(tmp_path, sent)
    prepared = prepare(Upload(path=path, size=len(sent), sha256="sent-hash"))
    assert (prepared.thumbnail, prepared.sha256, path.read_bytes()) == (None, "sent-hash", sent)


def test_att2_a_jpeg_that_pillow_cannot_read_is_a_422(tmp_path: Path) -> None:
    broken = files.jpeg_with_gps()[:200]
    with pytest.raises(Problem) as refused:
        prepare(Upload(path=_write(tmp_path, broken), size=len(broken), sha256="x"))
    assert refused.value.status == 422


def test_att3_download_name_keeps_the_chinese_name_per_rfc5987() -> None:
    header = content_disposition("处理书面文件 第1版.pdf")
    assert "filename*=UTF-8''%E5%A4%84%E7%90%86%E4%B9%A6%E9%9D%A2%E6%96%87%E4%BB%B6%20%E7%AC%AC1%E7%89%88.pdf" in header
    assert header.startswith('attachment; filename="')
    assert header.split('filename="')[1].split('"')[0].isascii()


def test_att4_the_sent_name_loses_any_folder_part() -> None:
    assert _file_name({b"filename": "C:\\照片\\样品.jpg".encode()}) == "样品.jpg"
    assert _file_name({b"filename": b"../../etc/passwd"}) == "passwd"
    assert _file_name({b"filename*": b"UTF-8''%E6%A0%B7%E5%93%81.jpg"}) == "样品.jpg"


def test_att2_a_heic_photo_loses_its_gps_and_gets_a_thumbnail(tmp_path: Path) -> None:
    sent = files.heic_with_gps()
    assert files.gps_of(sent), "the test photo carries a location"
    path = _write(tmp_path, sent)
    prepared = prepare(Upload(path=path, size=len(sent), sha256="x"))
    assert prepared.content_type == HEIC
    assert files.gps_of(path.read_bytes()) == {}
    assert prepared.thumbnail is not None


def _multipart(boundary: bytes, name: str, data: bytes) -> bytes:
    head = (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="file"; filename="' + name.encode() + b'"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    return head + data + b"\r\n--" + boundary + b"--\r\n"


def test_att2_the_cap_refuses_a_file_while_it_streams_in_not_after(tmp_path: Path) -> None:
    boundary = b"qms-boundary"
    body = _multipart(boundary, "big.pdf", b"0" * 5000)
    upload = Upload(path=tmp_path / "spool")
    fed = 0
    with upload.path.open("wb") as spool, pytest.raises(Problem) as refused:
        reader = _FormReader(boundary, spool, upload, 1000, frozenset({"file"}))
        for start in range(0, len(body), 256):
            reader.write(body[start : start + 256])
            fed = start + 256
    assert refused.value.status == 413
    assert fed < 2000, "refused as soon as the file passed the cap"
    assert upload.path.stat().st_size <= 1000


def test_att4_the_reader_hashes_and_names_the_file_as_it_streams(tmp_path: Path) -> None:
    boundary = b"qms-boundary"
    data = files.pdf()
    upload = Upload(path=tmp_path / "spool")
    with upload.path.open("wb") as spool:
        reader = _FormReader(boundary, spool, upload, 10_000, frozenset({"file"}))
        body = _multipart(boundary, "处理书面文件.pdf", data)
        for start in range(0, len(body), 7):
            reader.write(body[start : start + 7])
    assert (upload.name, upload.size, upload.path.read_bytes()) == ("处理书面文件.pdf", len(data), data)
    assert reader.digest.hexdigest() == sha256_of(upload.path)


def test_att1_the_file_store_refuses_a_key_that_leaves_its_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        FileStore(tmp_path / "store")._path("../outside")
