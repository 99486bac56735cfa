"""The download of an interview notice as Word (``rectify.documents.interviews``), from the interview's page."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, render
from django.views import View

from rectify.core.exceptions import ActionRefused
from rectify.documents.interviews import interview_notice
from rectify.documents.views import docx_response
from rectify.interviews.models import Interview


class InterviewNoticeView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        interviews = Interview.objects.restrict(request.user).select_related(
            "finding__project__audit_office__jurisdiction", "unit__competent_department"
        )
        interview = get_object_or_404(interviews, pk=pk)
        try:
            return docx_response(interview_notice(interview))
        except ActionRefused as refusal:
            context = {"message": refusal.messages[0], "back_url": interview.get_absolute_url()}
            return render(request, "documents/refused.html", context, status=400)
