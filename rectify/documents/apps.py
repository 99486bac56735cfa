from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "rectify.documents"
    label = "documents"
    verbose_name = _("公文（Word）")

    def ready(self) -> None:
        from rectify.core.visibility import owner_scope, register_scope

        # A batch is its requester's: its documents were built within their scope.
        register_scope("documents.DocumentBatch", owner_scope("requested_by"))

        from rectify.core import events
        from rectify.documents import referrals, sharing

        # An approved referral's evidence package is built by a job (the referrals app knows no documents).
        events.subscribe("referral.approved", referrals.on_referral_approved)
        # So is an inspection package asked for (the sharing app knows no documents either).
        events.subscribe("sharing.package_requested", sharing.on_package_requested)
