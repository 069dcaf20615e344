from django.shortcuts import render

from kb.models import Project


def home(request):
    return render(
        request,
        "kb/home.html",
        {
            "section": "home",
            "recent_projects": Project.objects.published().recent()[:5],
        },
    )
