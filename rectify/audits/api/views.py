"""Audit projects over HTTP: read, and issue a project's report with all its draft findings."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from rectify.api.base import RestrictedReadOnlyViewSet
from rectify.audits import services as audits
from rectify.audits.api.serializers import (
    AuditProjectCreateSerializer,
    AuditProjectSerializer,
    IssueProjectSerializer,
    IssueResultSerializer,
)
from rectify.audits.filters import AuditProjectFilterSet
from rectify.audits.models import AuditProject
from rectify.findings import services
from rectify.findings.api.views import REFUSALS


class AuditProjectViewSet(RestrictedReadOnlyViewSet):
    """审计项目: one audit, of one type, in one year, of one or more units."""

    model = AuditProject
    serializer_class = AuditProjectSerializer
    filterset_class = AuditProjectFilterSet
    ordering_fields = ["year", "sequence", "name", "report_date", "created"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("audit_office").prefetch_related("units", "team")

    @extend_schema(
        summary="新建审计项目 (open an audit in the caller's own jurisdiction; auditors only)",
        request=AuditProjectCreateSerializer,
        responses={201: AuditProjectSerializer, **REFUSALS},
    )
    def create(self, request):
        project = audits.create_project(request.user, **self.validated(AuditProjectCreateSerializer))
        project = self.get_queryset().get(pk=project.pk)
        return Response(self.represent(AuditProjectSerializer, project), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="出具审计报告并下达问题 (issue the report: every draft finding of the project, all or nothing)",
        request=IssueProjectSerializer,
        responses={200: IssueResultSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        project = self.get_object()
        issued = services.issue_project_findings(request.user, project, **self.validated(IssueProjectSerializer))
        project = self.get_queryset().get(pk=project.pk)
        return Response(
            self.represent(IssueResultSerializer, {"project": project, "issued": [finding.pk for finding in issued]})
        )
