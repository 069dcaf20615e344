"""Refuse requests carrying control characters, before any view or database sees them.

PostgreSQL cannot store a NUL byte in text (it answers with an error, so a 500),
and no person types the other C0 control characters. Tab, line feed and
carriage return stay allowed: multi-line text fields send them.
"""

import re

from django.shortcuts import render
from django.utils.translation import gettext as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(values):
    return any(CONTROL_CHARACTERS.search(value) for value in values)


def _texts(query_dict):
    for name, values in query_dict.lists():
        yield name
        yield from (value for value in values if isinstance(value, str))


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sources = [[request.path_info], _texts(request.GET)]
        if request.method == "POST" and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            sources.append(_texts(request.POST))
        if any(has_control_characters(values) for values in sources):
            # Answered here, not raised: a refused request is no error of the site's.
            reason = _(
                "The request holds control characters (such as a NUL byte) that no "
                "field of the site accepts. Remove them and try again."
            )
            return render(request, "400.html", {"reason": reason}, status=400)
        return self.get_response(request)
