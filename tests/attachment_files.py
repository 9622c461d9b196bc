"""Real files made by the tests for ATT-2: a photo with a location, documents, and impostors."""

import io
import zipfile

import pillow_heif
from openpyxl import Workbook
from PIL import ExifTags, Image

pillow_heif.register_heif_opener()

# 31°14′N 121°28′E: the Bund, Shanghai.
LATITUDE = (31.0, 14.0, 0.0)
LONGITUDE = (121.0, 28.0, 0.0)


def jpeg_with_gps(width: int = 1200, height: int = 900) -> bytes:
    image = Image.new("RGB", (width, height), (200, 40, 40))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "QMS test camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = LONGITUDE
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=90)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 10)).save(out, format="PNG")
    return out.getvalue()


def gps_of(data: bytes) -> dict[int, object]:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def make_of(data: bytes) -> object:
    with Image.open(io.BytesIO(data)) as image:
        return image.getexif().get(ExifTags.Base.Make)


def pdf() -> bytes:
    """A one-page PDF, written out by hand (the cross-reference offsets are computed)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["型号", "数量"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx() -> bytes:
    """The smallest Word document: a zip whose content types name the main document part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
            'main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not an office file")
    return out.getvalue()


def executable() -> bytes:
    """The start of a Windows executable (MZ header, PE offset), whatever name it is sent under."""
    header = bytearray(b"MZ" + b"\x90\x00" * 29)
    header += b"\x80\x00\x00\x00"
    header += b"\x00" * (0x80 - len(header))
    return bytes(header + b"PE\x00\x00" + b"\x00" * 512)


def oversized(megabytes: int = 21) -> bytes:
    """A JPEG start followed by filler: over the cap whatever it claims to be."""
    return jpeg_with_gps(32, 32) + b"\x00" * (megabytes * 1024 * 1024)


def heic_with_gps(width: int = 640, height: int = 480) -> bytes:
    """An iPhone-style HEIC photo with a location (written through pillow-heif)."""
    image = Image.new("RGB", (width, height), (40, 40, 200))
    exif = image.getexif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = LATITUDE
    out = io.BytesIO()
    image.save(out, format="HEIF", exif=exif.tobytes())
    return out.getvalue()
