from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("Knowledge base")

    def ready(self):
        from kb.signals import connect_page_cache_signals, connect_search_signals

        connect_page_cache_signals()
        connect_search_signals()
