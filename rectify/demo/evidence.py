"""The evidence files: a handful of real PDF and PNG files, stored once each and shared by many reports."""

from __future__ import annotations

from django.core.files.base import ContentFile

from rectify.demo import files, texts
from rectify.rectification import evidence as evidence_files


class EvidencePart:
    """Stores the demo's evidence files."""

    def _evidence_files(self) -> None:
        """A handful of real files, stored once each under their SHA-256 and shared by many reports."""
        self.evidence_files: dict[str, tuple[evidence_files.SniffedFile, str, str]] = {}
        for key, name, description in texts.EVIDENCE_DOCUMENTS:
            content = files.pdf(
                f"黔江区审计整改佐证材料：{description}",
                ["本文件为审计整改管理系统演示数据，内容均为虚构。", f"材料类型：{description}"],
                [f"Rectify demo evidence ({key})", "Qianjiang District, Chongqing - demo data, fictional content"],
            )
            self._store_evidence(key, name, description, content)
        palette = [
            ((90, 140, 90), (200, 190, 170)),
            ((120, 130, 150), (230, 230, 235)),
            ((110, 150, 80), (150, 110, 70)),
        ]
        for (key, name, description), (colour, accent) in zip(texts.EVIDENCE_PHOTOS, palette, strict=True):
            self._store_evidence(key, name, description, files.png(96, 64, colour, accent))

    def _store_evidence(self, key: str, name: str, description: str, content: bytes) -> None:
        upload = ContentFile(content, name=name)
        sniffed = evidence_files.sniff(upload)
        stored = evidence_files.store(upload, sniffed)
        self.evidence_files[key] = (sniffed, stored, name)
