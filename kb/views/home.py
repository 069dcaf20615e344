from django.shortcuts import render

from kb.models import Event


def home(request):
    return render(
        request,
        "kb/home.html",
        {"section": "home", "next_events": Event.objects.public().upcoming()[:3]},
    )
