from django.shortcuts import render

from survey.models import Edition


def home(request):
    return render(
        request, "kb/home.html", {"section": "home", "open_survey": Edition.objects.current()}
    )
