"""Evidence files: checked by content and size, stored once under their SHA-256."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from rectify.core.exceptions import ActionRefused

# A file written by a transaction that has not committed within this time is taken for an orphan.
ORPHAN_GRACE = datetime.timedelta(hours=6)

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # .doc, .xls, .ppt, .wps

ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/tiff": "TIFF",
    "image/bmp": "BMP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/x-ole-storage": "Office 97-2003",
    "application/zip": "ZIP",
    "application/ofd": "OFD",
}

# Types a browser shows inline (served with Content-Disposition: inline); the rest download.
PREVIEWABLE = {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"}


@dataclass(frozen=True)
class SniffedFile:
    sha256: str
    size: int
    content_type: str
    storage_name: str


def sniff(upload) -> SniffedFile:
    """Hashes, measures and identifies an uploaded file; refuses what is too big or of an unknown type."""
    name = getattr(upload, "name", "") or _("（未命名）")
    limit = settings.RECTIFY_EVIDENCE_MAX_BYTES
    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        size += len(chunk)
        if size > limit:
            raise ActionRefused(
                _("文件「%(name)s」超过大小上限 %(limit)s。") % {"name": name, "limit": filesizeformat(limit)}
            )
        digest.update(chunk)
    upload.seek(0)
    if size == 0:
        raise ActionRefused(_("文件「%(name)s」是空文件。") % {"name": name})
    content_type = _content_type(head)
    if content_type not in ALLOWED_TYPES:
        raise ActionRefused(
            _("文件「%(name)s」的内容不是允许的类型（PDF、图片、Word、Excel、OFD、ZIP）。") % {"name": name}
        )
    sha = digest.hexdigest()
    return SniffedFile(sha256=sha, size=size, content_type=content_type, storage_name=f"evidence/{sha[:2]}/{sha}")


def _content_type(head: bytes) -> str:
    if head.startswith(OLE2_MAGIC):
        return "application/x-ole-storage"
    if head.startswith(b"PK") and b"OFD.xml" in head:
        return "application/ofd"
    kind = filetype.guess(head)
    return kind.mime if kind else "application/octet-stream"


def store(upload, sniffed: SniffedFile) -> str:
    """Writes the file unless identical content is already stored; returns its storage name."""
    if default_storage.exists(sniffed.storage_name):
        return sniffed.storage_name
    upload.seek(0)
    return default_storage.save(sniffed.storage_name, File(upload))


def sweep_orphans(grace: datetime.timedelta = ORPHAN_GRACE) -> list[str]:
    """Removes stored evidence files that no evidence row names (a report whose transaction rolled back
    after its files were written), once they are older than ``grace``, so that no transaction still
    running can be about to name them. Returns the names removed."""
    from rectify.rectification.models import Evidence

    cutoff = timezone.now() - grace
    removed: list[str] = []
    try:
        prefixes, _files = default_storage.listdir("evidence")
    except FileNotFoundError:
        return removed
    for prefix in prefixes:
        _dirs, names = default_storage.listdir(f"evidence/{prefix}")
        candidates = [f"evidence/{prefix}/{name}" for name in names]
        named = set(Evidence.all_objects.filter(file__in=candidates).values_list("file", flat=True))
        for name in candidates:
            if name not in named and default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                removed.append(name)
    return removed
