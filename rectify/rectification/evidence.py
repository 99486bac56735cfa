"""Uploaded files (evidence, and the attachments of supervised matters): checked by content, name and
size, stored once under their SHA-256.

- The type is what the content is (``filetype`` and the OLE2 / OFD signatures), never what the name
  says; the name the file is kept and served under takes the extension of that type
  (``served_name``): PDF content named ``x.exe`` would never reach anyone as ``.exe``.
- A name with an executable or script extension anywhere in it (``整改说明.bat``, ``x.php.pdf``) or a
  hidden name (``.htaccess``) is refused outright, whatever the content.
- A zip container (Word, Excel, PowerPoint, OFD, ZIP) is opened as an archive before it is accepted
  and refused past a bound on its entries, its expanded size or its compression ratio: the sizes
  its directory declares, then the bytes actually inflated, so a directory that lies does not help.
  The bounds are settings: ``RECTIFY_UPLOAD_MAX_ENTRIES``, ``RECTIFY_UPLOAD_MAX_EXPANDED_BYTES``,
  ``RECTIFY_UPLOAD_MAX_RATIO``.
"""

from __future__ import annotations

import datetime
import hashlib
import lzma
import posixpath
import re
import unicodedata
import zipfile
import zlib
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

# The extension a file of each type is kept and served with; the given one when it is one of these.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg", "jpe"),
    "image/png": ("png",),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "image/tiff": ("tif", "tiff"),
    "image/bmp": ("bmp",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/x-ole-storage": ("doc", "xls", "ppt", "wps", "et", "dps"),
    "application/zip": ("zip",),
    "application/ofd": ("ofd",),
}
ZIP_CONTAINERS = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/zip",
        "application/ofd",
    }
)

# Extensions a web server, a browser or Windows would run or render as active content.
REFUSED_EXTENSIONS = frozenset(
    {
        # Windows executables and installers
        "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "mst", "dll", "cpl", "sys", "drv", "ocx",
        "lnk", "url", "scf", "reg", "inf", "hta", "gadget", "application", "appref-ms", "msc", "jar", "apk",
        # scripts
        "js", "jse", "mjs", "vbs", "vbe", "vb", "wsf", "wsh", "wsc", "ps1", "psm1", "psd1", "ps1xml", "sh",
        "bash", "zsh", "csh", "ksh", "py", "pyc", "pyw", "pl", "pm", "rb", "lua", "cgi", "fcgi", "command",
        # server-side pages and web server configuration
        "php", "php3", "php4", "php5", "php7", "phtml", "phar", "pht", "jsp", "jspx", "jsw", "jsv", "asp",
        "aspx", "asa", "asax", "ascx", "ashx", "asmx", "cer", "shtml", "shtm", "stm", "htaccess", "htpasswd",
        "war", "ear", "do", "action",
        # active content a browser renders
        "html", "htm", "xhtml", "xht", "mht", "mhtml", "svg", "svgz", "xml", "xsl", "xslt", "swf", "chm",
    }
)  # fmt: skip

DEFAULT_MAX_ENTRIES = 1000
DEFAULT_MAX_EXPANDED_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_RATIO = 100
# Members smaller than this are not held to the ratio (tiny XML parts compress very well).
RATIO_FLOOR = 1024 * 1024

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclass(frozen=True)
class SniffedFile:
    sha256: str
    size: int
    content_type: str
    storage_name: str
    name: str = ""  # the name it is kept and served under: the given one, with the extension of its type


def _base_name(upload) -> str:
    raw = unicodedata.normalize("NFC", str(getattr(upload, "name", "") or ""))
    return posixpath.basename(raw.replace("\\", "/")).strip()


# Run by a web server wherever they stand in the name (Apache's handlers match "x.php.pdf" too).
SERVER_EXTENSIONS = frozenset(
    {"php", "php3", "php4", "php5", "php7", "phtml", "phar", "pht", "jsp", "jspx", "asp", "aspx", "cgi", "fcgi"}
    | {"pl", "py", "shtml", "shtm", "htaccess"}
)


def _refused_extension(name: str) -> str | None:
    """The executable or script extension of ``name`` (its last part; a server-side one anywhere), if any."""
    # Windows ignores trailing dots and spaces ("x.exe. "), and "x.exe::$DATA" names the same file.
    parts = [part.split(":")[0].strip().lower() for part in name.rstrip(" .").split(".")[1:]]
    if parts and parts[-1] in REFUSED_EXTENSIONS:
        return parts[-1]
    return next((part for part in parts[:-1] if part in SERVER_EXTENSIONS), None)


def check_name(name: str) -> None:
    """Refuses names no one should be able to upload, whatever the content."""
    shown = name or _("（未命名）")
    if name.startswith("."):
        raise ActionRefused(_("文件「%(name)s」是隐藏文件或配置文件，不能上传。") % {"name": shown})
    extension = _refused_extension(name)
    if extension:
        raise ActionRefused(
            _("文件「%(name)s」的扩展名「.%(ext)s」属于可执行文件、脚本或网页，不能上传。")
            % {"name": shown, "ext": extension}
        )


def served_name(name: str, content_type: str) -> str:
    """``name`` with the extension of ``content_type``: its own when it already is one of the type's,
    else the type's (``scan.png`` holding a PDF is ``scan.pdf``; ``无扩展名`` holding a PNG is
    ``无扩展名.png``). Characters a file system or a header would misread are dropped."""
    name = _UNSAFE_NAME.sub("", unicodedata.normalize("NFC", name or "")).strip(" .")
    extensions = EXTENSIONS.get(content_type, ("bin",))
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in extensions:
        extension = extension.lower()
    elif dot and stem and extension.isascii() and extension.isalnum() and len(extension) <= 4:
        extension = extensions[0]  # another type's extension: replaced
    else:
        stem, extension = name, extensions[0]  # no extension (or not one): added
    stem = (stem.strip(" .") or _("附件"))[: 200 - len(extension) - 1]
    return f"{stem}.{extension}"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_archive(upload, name: str) -> None:
    """Refuses a zip container past its bounds (entries, expanded size, ratio), or one that cannot be read."""
    max_entries = _setting("RECTIFY_UPLOAD_MAX_ENTRIES", DEFAULT_MAX_ENTRIES)
    max_expanded = _setting("RECTIFY_UPLOAD_MAX_EXPANDED_BYTES", DEFAULT_MAX_EXPANDED_BYTES)
    max_ratio = _setting("RECTIFY_UPLOAD_MAX_RATIO", DEFAULT_MAX_RATIO)

    def bomb(detail: str) -> ActionRefused:
        return ActionRefused(
            _("文件「%(name)s」疑似压缩炸弹（%(detail)s），不能上传。") % {"name": name, "detail": detail}
        )

    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > max_entries:
                raise bomb(_("包含 %(n)d 个文件，上限 %(limit)d 个") % {"n": len(members), "limit": max_entries})
            if any(member.flag_bits & 0x1 for member in members):
                raise ActionRefused(_("文件「%(name)s」经过加密，无法检查，不能上传。") % {"name": name})
            declared = sum(member.file_size for member in members)
            if declared > max_expanded:
                raise bomb(_("解压后 %(size)s，上限 %(limit)s") % _sizes(declared, max_expanded))
            # Then what the members really inflate to, read in chunks and stopped at the bound.
            expanded = 0
            for member in members:
                inflated = 0
                with archive.open(member) as stream:
                    while chunk := stream.read(1024 * 1024):
                        inflated += len(chunk)
                        expanded += len(chunk)
                        if expanded > max_expanded:
                            raise bomb(_("解压后超过 %(limit)s") % {"limit": filesizeformat(max_expanded)})
                if inflated > RATIO_FLOOR and inflated / max(member.compress_size, 1) > max_ratio:
                    raise bomb(
                        _("其中「%(member)s」的压缩比超过 %(limit)d 倍")
                        % {"member": member.filename[:100], "limit": max_ratio}
                    )
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        lzma.LZMAError,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ):  # a damaged or unusual archive, whatever part of it the reading stumbles on
        raise ActionRefused(_("文件「%(name)s」已损坏，无法读取，不能上传。") % {"name": name}) from None
    finally:
        upload.seek(0)


def _sizes(size: int, limit: int) -> dict:
    return {"size": filesizeformat(size), "limit": filesizeformat(limit)}


def sniff(upload) -> SniffedFile:
    """Hashes, measures and identifies an uploaded file; refuses what is too big, of an unknown type, of a
    dangerous name or an archive past its bounds. Never raises anything but ``ActionRefused``."""
    given = _base_name(upload)
    name = given or _("（未命名）")
    check_name(given)
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
    if content_type in ZIP_CONTAINERS:
        check_archive(upload, name)
    sha = digest.hexdigest()
    return SniffedFile(
        sha256=sha,
        size=size,
        content_type=content_type,
        storage_name=f"evidence/{sha[:2]}/{sha}",
        name=served_name(given, content_type),
    )


def _content_type(head: bytes) -> str:
    if head.startswith(OLE2_MAGIC):
        return "application/x-ole-storage"
    if head.startswith(b"PK") and b"OFD.xml" in head:
        return "application/ofd"
    try:
        kind = filetype.guess(head)
    except Exception:  # the matchers parse headers; a malformed one must not escape as a 500
        kind = None
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
