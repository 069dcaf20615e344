from django.shortcuts import render

from kb.search import search


def site_search(request):
    query = request.GET.get("q", "")
    outcome = search(query) if query.strip() else None
    return render(request, "kb/search.html", {"query": query, "outcome": outcome})
