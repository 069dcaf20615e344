from django.urls import include, path

from kb.views import account, home

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/delete/", account.account_delete, name="account_delete"),
    path("events/", include("kb.urls_events")),
]
