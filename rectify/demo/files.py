"""Tiny but real evidence files for the demo: valid PDFs and PNGs, generated without any library."""

from __future__ import annotations

import struct
import zlib


def png(width: int, height: int, colour: tuple[int, int, int], accent: tuple[int, int, int]) -> bytes:
    """An RGB picture: a vertical gradient of ``colour`` with a band of ``accent`` across it."""
    rows = []
    band = range(height // 3, height // 3 + max(2, height // 6))
    for y in range(height):
        shade = 0.6 + 0.4 * y / max(1, height - 1)
        row = bytearray([0])  # filter type: none
        for x in range(width):
            if y in band and x > width // 8:
                row += bytes(accent)
            else:
                wave = (x * 7 + y * 3) % 23 - 11
                row += bytes(max(0, min(255, int(c * shade) + wave)) for c in colour)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _ucs2(text: str) -> str:
    return "".join(f"{ord(ch):04X}" for ch in text)


def pdf(title: str, lines: list[str], latin: list[str]) -> bytes:
    """A one-page A4 PDF: a Chinese title and lines (Adobe's STSong-Light, no embedded font) and ASCII lines."""
    content = ["BT", "/F2 18 Tf", "72 770 Td", f"<{_ucs2(title)}> Tj", "ET"]
    y = 730
    for line in lines:
        content += ["BT", "/F2 12 Tf", f"72 {y} Td", f"<{_ucs2(line)}> Tj", "ET"]
        y -= 22
    y -= 10
    for line in latin:
        safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        content += ["BT", "/F1 9 Tf", f"72 {y} Td", f"({safe}) Tj", "ET"]
        y -= 14
    stream = "\n".join(content).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [7 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 8 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode() + b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
