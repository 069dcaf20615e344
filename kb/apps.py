from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base")

    def ready(self):
        from allauth.account.signals import user_signed_up
        from django.contrib.auth.signals import user_logged_in
        from django_tasks.signals import task_finished

        from espri_ia.logs import log_finished_task
        from kb.accounts import remember_request_language
        from kb.signals import connect_page_cache_signals, connect_search_signals

        connect_page_cache_signals()
        connect_search_signals()
        task_finished.connect(log_finished_task, dispatch_uid="espri-task-log")
        user_logged_in.connect(remember_request_language, dispatch_uid="espri-remember-language")
        user_signed_up.connect(remember_request_language, dispatch_uid="espri-signup-language")
