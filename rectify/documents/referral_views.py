"""Downloads of referrals: the referral letter (Word) and the evidence package (ZIP)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views import View

from rectify.core import audit_log
from rectify.core.exceptions import ActionRefused
from rectify.documents import referrals
from rectify.documents.views import DocumentView


class ReferralLetterView(DocumentView):
    """提请追责函 of a referral the user sees (404 otherwise)."""

    def generate(self, request, pk):
        return referrals.referral_letter(request.user, pk)


class ReferralPackageView(LoginRequiredMixin, View):
    """证据材料包 (ZIP) of a referral, once built."""

    def get(self, request, pk: int):
        try:
            name, handle = referrals.package_of(request.user, pk)
        except ActionRefused as refusal:
            if refusal.code == "not_found":
                raise Http404(refusal.messages[0]) from refusal
            context = {"message": refusal.messages[0], "back_url": f"/referrals/{pk}/"}
            return render(request, "documents/refused.html", context, status=400)
        audit_log.record(request, "download", ("referrals.Referral", pk), file="referral_package")
        response = FileResponse(handle, as_attachment=True, filename=name)
        response["Cache-Control"] = "private, no-store"
        return response
