from django.shortcuts import render

from kb.page_cache import cached_for_readers
from kb.search import search


@cached_for_readers("search", params=("q",), members=True)
def site_search(request):
    query = request.GET.get("q", "")
    outcome = search(query) if query.strip() else None
    return render(request, "kb/search.html", {"query": query, "outcome": outcome})
