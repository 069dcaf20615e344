"""The site's URLs plus one view that fails, so that the 500 page can be checked."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from espri_ia import urls as site_urls


def server_error(request):
    raise RuntimeError("a failure provoked by the browser tests")


handler500 = site_urls.handler500
urlpatterns = [
    *i18n_patterns(
        path("e2e/server-error/", server_error, name="e2e_server_error"),
        prefix_default_language=False,
    ),
    *site_urls.urlpatterns,
]
