"""The site's URLs plus views that fail, so that the error pages can be checked.

A refused form (CSRF) and too many attempts (429) are hard to provoke from a
browser on demand: these views answer with the very pages the site sends then.
"""

from django.conf.urls.i18n import i18n_patterns
from django.shortcuts import render
from django.urls import path

from espri_ia import urls as site_urls
from espri_ia.errors import csrf_failure


def server_error(request):
    raise RuntimeError("a failure provoked by the browser tests")


def too_many_attempts(request):
    # What django-allauth renders when a rate limit is hit.
    return render(request, "429.html", status=429)


handler500 = site_urls.handler500
urlpatterns = [
    *i18n_patterns(
        path("e2e/server-error/", server_error, name="e2e_server_error"),
        path("e2e/form-refused/", csrf_failure, name="e2e_csrf_failure"),
        path("e2e/too-many-attempts/", too_many_attempts, name="e2e_too_many_attempts"),
        prefix_default_language=False,
    ),
    *site_urls.urlpatterns,
]
