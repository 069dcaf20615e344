"""Event URLs, included at events/ under the language prefix."""

from django.urls import path

from kb.views import events

app_name = "events"

urlpatterns = [
    path("", events.event_list, name="list"),
    path("past/", events.past_list, name="past"),
    path("past/<int:year>/", events.past_list, name="past_year"),
    path("new/", events.event_create, name="create"),
    path("calendar.ics", events.calendar_all, name="calendar"),
    path("calendar/<slug:kind>.ics", events.calendar_kind, name="calendar_kind"),
    path("feed.atom", events.LatestEventsFeed(), name="atom"),
    path("materials/<int:pk>/<str:name>", events.material_download, name="material"),
    path("<slug:slug>/", events.event_detail, name="detail"),
    path("<slug:slug>/event.ics", events.calendar_event, name="calendar_event"),
    path("<slug:slug>/register/", events.register, name="register"),
    path("<slug:slug>/unregister/", events.unregister, name="unregister"),
    path("<slug:slug>/edit/", events.event_edit, name="edit"),
    path("<slug:slug>/duplicate/", events.event_duplicate, name="duplicate"),
    path("<slug:slug>/publish/", events.event_publish, name="publish"),
    path("<slug:slug>/cancel/", events.event_cancel, name="cancel"),
    path("<slug:slug>/delete/", events.event_delete, name="delete"),
    path("<slug:slug>/participants/", events.participants, name="participants"),
    path("<slug:slug>/participants.csv", events.participants_csv, name="participants_csv"),
    path("<slug:slug>/materials/", events.materials, name="materials"),
]
