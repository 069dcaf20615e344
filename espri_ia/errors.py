"""Error views that need the request (the site's layout, the language, the user)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from espri_ia.input_checks import ControlCharactersRefused
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
    # With the layout, and the reason when it is one of ours, so the reader knows what to change.
    reason = str(exception) if isinstance(exception, ControlCharactersRefused) else ""
    return render(request, "400.html", {"reason": reason}, status=400)
