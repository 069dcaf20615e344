from django.shortcuts import render


def home(request):
    return render(request, "kb/home.html", {"section": "home"})
