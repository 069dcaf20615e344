from django.urls import include, path

from kb.views import account, home, search

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/delete/", account.account_delete, name="account_delete"),
    path("docs/", include("kb.urls_docs")),
    path("search/", search.site_search, name="search"),
]
