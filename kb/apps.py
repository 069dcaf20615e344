from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base")

    def ready(self):
        from django_tasks.signals import task_finished

        from espri_ia.logs import log_finished_task
        from kb.signals import connect_page_cache_signals, connect_search_signals

        connect_page_cache_signals()
        connect_search_signals()
        task_finished.connect(log_finished_task, dispatch_uid="espri-task-log")
