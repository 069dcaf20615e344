from django.shortcuts import render

from kb.models import DocPage, Event, Project
from kb.page_cache import cached_for_readers
from survey.models import Edition


# Upcoming events and open editions move with the clock: five minutes at most.
@cached_for_readers("home", timeout=300, members=True)
def home(request):
    return render(
        request,
        "kb/home.html",
        {
            "section": "home",
            "next_events": Event.objects.public().upcoming()[:3],
            "docs_quick_links": DocPage.objects.quick_links(),
            "recent_projects": Project.objects.published().recent()[:5],
            "open_survey": Edition.objects.current(),
            "public_results": Edition.objects.with_public_results().first(),
        },
    )
