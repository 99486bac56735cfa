"""What every API view shares: the visibility scope, pagination, ordering, parsers, authentication.

A viewset names its model, serializer and filterset; the base fetches everything through
``Model.objects.restrict(request.user)``, so a list shows only what the caller may see and an object
outside the scope answers 404. Writes go to the named actions of the services; a refusal from a
service becomes an error response in ``rectify.api.exceptions``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, mixins, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.serializers import Serializer

from rectify.accounts.authentication import SessionAuthentication, TokenAuthentication
from rectify.core.parsers import JSONParser

# The API's JSON parser (Decimal numbers, bounded nesting), under the name the viewsets know it by.
DecimalJSONParser = JSONParser


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; ``?page=`` and ``?page_size=`` (at most 500)."""

    page_size_query_param = "page_size"
    max_page_size = 500


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=`` over the view's ``ordering_fields``; public names may stand for lookups
    (``year`` → ``project__year``) through ``ordering_aliases``. Ties are broken by id so pages are stable."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        aliases = getattr(view, "ordering_aliases", {})
        resolved = []
        for term in ordering:
            descending = term.startswith("-")
            name = aliases.get(term.lstrip("-"), term.lstrip("-"))
            resolved.append(f"-{name}" if descending else name)
        if not {"pk", "id", "-pk", "-id"} & set(resolved):
            resolved.append("pk")
        return resolved


class RestrictedQuerysetMixin:
    """The one door to the data: every queryset of the view goes through the visibility scope."""

    model: type[Model]
    authentication_classes = [TokenAuthentication, SessionAuthentication]  # Token first: anonymous is a 401
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    parser_classes = [DecimalJSONParser, FormParser, MultiPartParser]
    ordering_aliases: dict[str, str] = {}

    request: Request

    def get_base_queryset(self) -> QuerySet:
        return self.model.objects.restrict(self.request.user)

    def get_queryset(self) -> QuerySet:
        queryset = self.get_base_queryset()
        return queryset if queryset.ordered else queryset.order_by("pk")  # stable pages

    # --- helpers for actions ---------------------------------------------------------------

    def validated(self, serializer_class: type[Serializer], **kwargs) -> dict[str, Any]:
        """The request body checked by an input serializer; a bad field answers 400 keyed by field."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def represent(self, serializer_class: type[Serializer], instance) -> dict[str, Any]:
        return serializer_class(instance, context=self.get_serializer_context()).data

    # --- optimistic locking (rectify.core.locking) ------------------------------------------------

    def seen_version(self, data: dict[str, Any]) -> Any:
        """The version an edit was made from: ``version`` in the body, else the ``If-Match`` header
        (the ETag of the GET); an edit from an older one answers 412 and changes nothing."""
        header = self.request.headers.get("If-Match")
        return data.get("version") or (None if header in (None, "*") else header)  # "*": any version

    def finalize_response(self, request, response, *args, **kwargs):
        # A versioned object read or edited carries its version as an ETag, for If-Match on the next edit.
        data = getattr(response, "data", None)
        if (
            response.status_code in (200, 201)
            and isinstance(data, dict)
            and isinstance(data.get("version"), int)
            and "results" not in data
        ):
            response.setdefault("ETag", f'W/"{data["version"]}"')
        return super().finalize_response(request, response, *args, **kwargs)


class RestrictedReadOnlyViewSet(RestrictedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of what the caller may see; nothing else."""

    http_method_names = ["get", "head", "options"]


class RestrictedViewSet(
    RestrictedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List and detail, plus the writes a subclass routes to the services. Nothing is deleted: DELETE is 405."""

    http_method_names = ["get", "post", "patch", "head", "options"]


def organizations_by_id(ids, field: str):
    """The organizations named by ``ids`` in the order given; a field error names any unknown one."""
    from rest_framework.exceptions import ValidationError

    from rectify.organizations.models import Organization

    found = {org.pk: org for org in Organization.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({field: [f"unknown organization {pk}" for pk in missing]})
    return [found[pk] for pk in ids]
