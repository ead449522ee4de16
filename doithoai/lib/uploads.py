"""Checking uploaded files by their content: images, PDF, DOCX, XLSX; size and count limits; zip expansion."""

import dataclasses
import hashlib
import zipfile

import filetype
from django.core.exceptions import ValidationError

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
# A DOCX or XLSX is a zip: refuse one that would expand past this (a "zip bomb") or holds too many parts.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
ALLOWED = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
ACCEPT = ",".join(sorted(set(ALLOWED.values())))  # for <input type=file accept=…>


@dataclasses.dataclass(frozen=True)
class CheckedUpload:
    file: object
    original_name: str
    content_type: str
    extension: str
    size: int
    sha256: str


def check_upload(upload) -> CheckedUpload:
    """Recognise a file by its bytes; raise ValidationError (in Vietnamese) for anything not allowed."""
    name = str(getattr(upload, "name", "") or "tệp")[:255]
    size = upload.size
    if size == 0:
        raise ValidationError("Tệp “%(name)s” rỗng.", params={"name": name})
    if size > MAX_BYTES:
        raise ValidationError("Tệp “%(name)s” lớn hơn 10 MB.", params={"name": name})
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else ""
    if content_type == "application/zip" or content_type.startswith("application/vnd.openxmlformats"):
        content_type = _office_type(upload, name)
    if content_type not in ALLOWED:
        raise ValidationError(
            "Tệp “%(name)s” không phải ảnh, PDF, Word (DOCX) hay Excel (XLSX); hệ thống không nhận loại tệp này.",
            params={"name": name},
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(upload, name, content_type, ALLOWED[content_type], size, digest.hexdigest())


def _office_type(upload, name: str) -> str:
    """A zip is a DOCX or XLSX only if its parts say so; it must not expand too far."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise ValidationError("Tệp “%(name)s” giải nén ra quá lớn.", params={"name": name})
            names = {m.filename for m in members}
    except zipfile.BadZipFile as error:
        raise ValidationError("Tệp “%(name)s” bị hỏng.", params={"name": name}) from error
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return "application/zip"


def check_uploads(uploads) -> list[CheckedUpload]:
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        raise ValidationError("Chỉ được gửi tối đa %(n)s tệp.", params={"n": MAX_FILES})
    return [check_upload(u) for u in uploads]


def disk_has_room(size: int) -> bool:
    """Whether `size` more bytes leave the media disk at least settings.UPLOAD_MIN_FREE_DISK free (a full disk would
    stop the database and the whole service, not only uploads)."""
    import shutil
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.MEDIA_ROOT)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free - size >= settings.UPLOAD_MIN_FREE_DISK


def store_after_commit(instance, field: str, content) -> None:
    """Write a saved instance's file (its field already holds the generated name) once the transaction commits:
    a rolled-back submission leaves no file with personal data on the disk."""
    from django.db import transaction

    name = getattr(instance, field).name
    storage = instance._meta.get_field(field).storage
    model, pk = type(instance), instance.pk

    def write() -> None:
        content.seek(0)
        stored = storage.save(name, content)
        if stored != name:
            model.objects.filter(pk=pk).update(**{field: stored})

    transaction.on_commit(write)
