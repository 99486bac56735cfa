"""Converting generated documents to PDF with LibreOffice (soffice --headless).

Each conversion runs with a profile of its own (``-env:UserInstallation``), so parallel runs do not
collide, and with a fontconfig file that maps the absent official fonts to the installed stand-ins
chosen in ``rectify.documents.fonts`` (without it, fontconfig picks a sans-serif Japanese face for
仿宋_GB2312).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings

from rectify.documents import fonts

DEFAULT_TIMEOUT = 120
# The blank page a reader inserts before a section that starts on an even page (the notice's 版记 page)
# is printed; LibreOffice leaves it out of a PDF unless told (JSON filter options: LibreOffice 7.4+).
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


class ConversionError(RuntimeError):
    pass


def soffice_binary() -> str | None:
    """The LibreOffice executable: RECTIFY_SOFFICE if set, else soffice or libreoffice on the PATH."""
    configured = getattr(settings, "RECTIFY_SOFFICE", None)
    if configured:
        return configured
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(sources: Sequence[Path | str], outdir: Path | str, *, timeout: int = DEFAULT_TIMEOUT) -> list[Path]:
    """Converts .docx files to PDF in ``outdir`` with one LibreOffice run; returns the PDF paths."""
    binary = soffice_binary()
    if binary is None:
        raise ConversionError("LibreOffice (soffice) is not installed")
    sources = [Path(s) for s in sources]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"lo-{uuid.uuid4().hex[:8]}-") as scratch:
        profile = Path(scratch) / "profile"
        env = dict(os.environ, HOME=scratch)
        fontconfig = fonts.fontconfig_file(Path(scratch))
        if fontconfig is not None:
            env["FONTCONFIG_FILE"] = str(fontconfig)
        command = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            PDF_FILTER,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"LibreOffice did not finish within {timeout} s") from exc
        except OSError as exc:
            raise ConversionError(f"LibreOffice could not be started ({binary}): {exc}") from exc
    pdfs = [outdir / f"{source.stem}.pdf" for source in sources]
    missing = [str(p) for p in pdfs if not p.exists()]
    if result.returncode != 0 or missing:
        raise ConversionError(
            f"LibreOffice failed (exit {result.returncode}), missing {missing}: {result.stderr.strip()[-500:]}"
        )
    return pdfs


def docx_to_pdf_bytes(content: bytes, *, timeout: int = DEFAULT_TIMEOUT) -> bytes:
    with tempfile.TemporaryDirectory(prefix="rectify-pdf-") as directory:
        source = Path(directory) / "document.docx"
        source.write_bytes(content)
        (pdf,) = convert_to_pdf([source], Path(directory) / "out", timeout=timeout)
        return pdf.read_bytes()
