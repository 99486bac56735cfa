from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "rectify.assessment"
    label = "assessment"
    verbose_name = _("目标管理绩效考核")

    def ready(self) -> None:
        from rectify.assessment import panels, scopes
        from rectify.core.visibility import register_scope

        register_scope("assessment.AssessmentScheme", scopes.scheme_scope)
        register_scope("assessment.Assessment", scopes.assessment_scope)
        panels.register()
