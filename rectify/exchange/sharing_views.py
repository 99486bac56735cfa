"""The former address of an inspection tour's Excel package for one unit: the package is now built by a job
(``rectify.sharing.services.request_package``), so the address leads to the unit's package page, where it
is asked for and downloaded once built."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views import View


class UnitPackageView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        return redirect("sharing:unit-package", pk=pk)
