from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "survey"
    verbose_name = _("Practice survey")

    def ready(self):
        from survey.edition_design import connect_design_signals

        connect_design_signals()
