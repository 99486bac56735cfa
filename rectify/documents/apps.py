from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "rectify.documents"
    label = "documents"
    verbose_name = _("公文（Word）")

    def ready(self) -> None:
        from django.db.models import Q

        from rectify.core.visibility import register_scope

        # A batch is its requester's: its documents were built within their scope.
        register_scope("documents.DocumentBatch", lambda user, action, roles: Q(requested_by_id=user.pk))
