"""Error views that need the request (the site's layout, the language, the user)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from kb.context_processors import site


def csrf_failure(request, reason=""):
    # Django's default renders without the request context; ours keeps the layout.
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    # No request context on purpose: the failure may be the database, which the
    # session and user lookups of the context processors would hit again.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render(site(request)))


def bad_request(request, exception):
    # With the site's layout, as the other error pages.
    return render(request, "400.html", status=400)
