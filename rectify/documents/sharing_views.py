"""The former address of an inspection tour's Word package for one unit: the package is now built by a job
(``rectify.documents.sharing.build_inspection_package``), so the address leads to the unit's package page."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views import View


class UnitPackageDocumentView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        return redirect("sharing:unit-package", pk=pk)
