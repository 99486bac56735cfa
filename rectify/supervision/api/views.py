"""Supervised matters and circulars over HTTP: ``/api/supervised-matters/`` (recording with POST, adding an
assignee with ``POST …/<id>/assign/``), ``/api/supervision-assignments/`` (an assignee's part:
``progress``, ``request-closure``; the committee office's ``accept`` and ``return``), and
``/api/circulars/`` (drafting with POST; ``edit``, ``approve``, ``return``, ``issue``). All scoped and
paginated; a refusal is a 400/403 with ``detail``, an object out of scope a 404."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from rectify.api.base import RestrictedViewSet, organizations_by_id
from rectify.findings.models import Finding
from rectify.supervision import services
from rectify.supervision.api.serializers import (
    AssigneeInputSerializer,
    AssignmentSerializer,
    CircularInputSerializer,
    CircularSerializer,
    ProgressInputSerializer,
    SupervisedMatterInputSerializer,
    SupervisedMatterSerializer,
    SupervisionCommentInputSerializer,
    SupervisionReasonInputSerializer,
)
from rectify.supervision.filters import CircularFilterSet, SupervisedMatterFilterSet
from rectify.supervision.models import Assignment, Circular, Progress, SupervisedMatter


class SupervisedMatterViewSet(RestrictedViewSet):
    """督办事项 (supervised matters): the committee office's, those assigned to the caller's organization,
    and for the audit office and the government those of their jurisdiction; ``kind``, ``state``,
    ``unit`` (an assignee), ``q``."""

    model = SupervisedMatter
    serializer_class = SupervisedMatterSerializer
    filterset_class = SupervisedMatterFilterSet
    ordering_fields = ["created", "title"]

    def get_base_queryset(self):
        user = self.request.user
        return (
            SupervisedMatter.objects.restrict(user)
            .select_related("issuer")
            .prefetch_related(
                "findings",
                "units",
                Prefetch(
                    "assignments",
                    Assignment.objects.restrict(user).select_related("organization").order_by("due_date", "pk"),
                    to_attr="visible_assignments",
                ),
            )
            .order_by("-created", "-pk")
        )

    def _answer(self, matter, code=status.HTTP_200_OK):
        return Response(
            self.represent(SupervisedMatterSerializer, self.get_base_queryset().get(pk=matter.pk)), status=code
        )

    @extend_schema(
        request=SupervisedMatterInputSerializer, responses={201: SupervisedMatterSerializer, 403: OpenApiResponse()}
    )
    def create(self, request):
        """登记督办事项 (a committee decision or a leadership instruction, with its assignees)."""
        data = self.validated(SupervisedMatterInputSerializer)
        assignees = organizations_by_id([a["organization"] for a in data["assignees"]], "assignees")
        findings = [Finding(pk=pk) for pk in data["findings"]]
        specs = [services.AssigneeSpec(org, a["due_date"]) for org, a in zip(assignees, data["assignees"], strict=True)]
        matter = services.record_matter(
            request.user, kind=data["kind"], title=data["title"], content=data["content"], meeting=data["meeting"],
            meeting_date=data["meeting_date"], instructed_by=data["instructed_by"],
            instructor_position=data["instructor_position"], instructed_on=data["instructed_on"],
            assignees=specs,
            units=organizations_by_id(data["units"], "units"), findings=findings,
        )  # fmt: skip
        return self._answer(matter, status.HTTP_201_CREATED)

    @extend_schema(request=AssigneeInputSerializer, responses={200: SupervisedMatterSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """追加交办 (one more organization, with its due date)."""
        matter = self.get_object()
        data = self.validated(AssigneeInputSerializer)
        (org,) = organizations_by_id([data["organization"]], "organization")
        services.add_assignee(request.user, matter, org, data["due_date"])
        return self._answer(matter)


class AssignmentViewSet(RestrictedViewSet):
    """督办交办 (an organization's part of a supervised matter): an assignee sees its own parts; ``state``."""

    model = Assignment
    serializer_class = AssignmentSerializer
    ordering_fields = ["due_date"]

    def get_base_queryset(self):
        return (
            Assignment.objects.restrict(self.request.user)
            .select_related("matter", "organization")
            .prefetch_related(Prefetch("progress", Progress.objects.order_by("at", "pk")))
            .order_by("due_date", "pk")
        )

    def _answer(self, assignment):
        return Response(self.represent(AssignmentSerializer, self.get_base_queryset().get(pk=assignment.pk)))

    @extend_schema(request=ProgressInputSerializer, responses={200: AssignmentSerializer, 403: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """报告进展 (the assignee; text, date, an optional attachment as multipart)."""
        assignment = self.get_object()
        data = self.validated(ProgressInputSerializer)
        services.report_progress(
            request.user, assignment, text=data["text"], reported_on=data["reported_on"], attachment=data["attachment"]
        )
        return self._answer(assignment)

    @extend_schema(
        request=SupervisionCommentInputSerializer, responses={200: AssignmentSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"], url_path="request-closure")
    def request_closure(self, request, pk=None):
        """申请办结 (the assignee, after a progress report)."""
        assignment = self.get_object()
        services.request_closure(request.user, assignment, self.validated(SupervisionCommentInputSerializer)["comment"])
        return self._answer(assignment)

    @extend_schema(
        request=SupervisionCommentInputSerializer, responses={200: AssignmentSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """同意办结 (the committee office; the matter closes with its last part)."""
        assignment = self.get_object()
        services.accept_closure(request.user, assignment, self.validated(SupervisionCommentInputSerializer)["comment"])
        return self._answer(assignment)

    @extend_schema(
        request=SupervisionReasonInputSerializer, responses={200: AssignmentSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """退回继续办理 (the committee office; ``reason`` required)."""
        assignment = self.get_object()
        services.return_assignment(request.user, assignment, self.validated(SupervisionReasonInputSerializer)["reason"])
        return self._answer(assignment)


class CircularViewSet(RestrictedViewSet):
    """通报 (circulars): the committee office's in every state, those issued to the caller's organization;
    ``kind``, ``state``, ``q``. The Word document is ``/api/circulars/<id>/document/``."""

    model = Circular
    serializer_class = CircularSerializer
    filterset_class = CircularFilterSet
    ordering_fields = ["created", "issued_at"]

    def get_base_queryset(self):
        return (
            Circular.objects.restrict(self.request.user)
            .select_related("issuer")
            .prefetch_related("recipients", "matters", "findings")
            .order_by("-created", "-pk")
        )

    def _answer(self, circular, code=status.HTTP_200_OK):
        return Response(self.represent(CircularSerializer, self.get_base_queryset().get(pk=circular.pk)), status=code)

    def _cited(self, data) -> dict:
        user = self.request.user
        matters = list(SupervisedMatter.objects.restrict(user).filter(pk__in=data["matters"]))
        if len(matters) != len(set(data["matters"])):
            raise ValidationError({"matters": ["unknown supervised matter"]})
        return {
            "kind": data["kind"], "title": data["title"], "body": data["body"],
            "recipients": organizations_by_id(data["recipients"], "recipients"), "matters": matters,
            "findings": [Finding(pk=pk) for pk in data["findings"]],
        }  # fmt: skip

    @extend_schema(request=CircularInputSerializer, responses={201: CircularSerializer, 403: OpenApiResponse()})
    def create(self, request):
        """起草通报 (the committee office)."""
        data = self.validated(CircularInputSerializer)
        return self._answer(services.draft_circular(request.user, **self._cited(data)), status.HTTP_201_CREATED)

    @extend_schema(request=CircularInputSerializer, responses={200: CircularSerializer})
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        """修改通报 (a draft; ``version`` as read)."""
        circular = self.get_object()
        data = self.validated(CircularInputSerializer)
        services.update_circular(request.user, circular, version=self.seen_version(data), **self._cited(data))
        return self._answer(circular)

    @extend_schema(
        request=SupervisionCommentInputSerializer, responses={200: CircularSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """审核 (draft → approved)."""
        circular = self.get_object()
        services.approve_circular(request.user, circular, self.validated(SupervisionCommentInputSerializer)["comment"])
        return self._answer(circular)

    @extend_schema(request=SupervisionReasonInputSerializer, responses={200: CircularSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """退回修改 (approved → draft; ``reason`` required)."""
        circular = self.get_object()
        services.return_circular(request.user, circular, self.validated(SupervisionReasonInputSerializer)["reason"])
        return self._answer(circular)

    @extend_schema(request=SupervisionCommentInputSerializer, responses={200: CircularSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """印发 (approved → issued; numbered; the recipients see it)."""
        circular = self.get_object()
        services.issue_circular(request.user, circular, self.validated(SupervisionCommentInputSerializer)["comment"])
        return self._answer(circular)
