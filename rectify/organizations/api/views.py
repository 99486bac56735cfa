"""Organizations over HTTP: read only (they are kept in the admin)."""

from rectify.api.base import RestrictedReadOnlyViewSet
from rectify.organizations.api.filters import OrganizationFilterSet
from rectify.organizations.api.serializers import OrganizationSerializer
from rectify.organizations.models import Organization


class OrganizationViewSet(RestrictedReadOnlyViewSet):
    """单位: the audit office, audited units, competent departments and the bodies that use the results."""

    administrators_allowed = True  # the directory the system administrator keeps (its scope decides the rows)

    model = Organization
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    ordering_fields = ["code", "name", "kind"]

    def get_queryset(self):
        return super().get_queryset().select_related("jurisdiction")
