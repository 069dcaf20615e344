"""Addresses of the project catalogue, under /projects/ (and /en/projects/)."""

from django.urls import path

from kb.views import catalogue

app_name = "catalogue"

urlpatterns = [
    path("", catalogue.project_list, name="list"),
    path("references.bib", catalogue.list_bibtex, name="list_bibtex"),
    path("feed/", catalogue.ProjectFeed(), name="feed"),
    path("propose/", catalogue.propose, name="propose"),
    path("mine/", catalogue.my_proposals, name="mine"),
    path("review/", catalogue.review_queue, name="review_queue"),
    path("lists/", catalogue.lists, name="lists"),
    path("lists/<str:kind>/add/", catalogue.list_value_edit, name="list_value_add"),
    path("lists/<str:kind>/<slug:slug>/", catalogue.list_value_edit, name="list_value_edit"),
    path(
        "lists/<str:kind>/<slug:slug>/delete/",
        catalogue.list_value_delete,
        name="list_value_delete",
    ),
    path("<slug:slug>/", catalogue.project_detail, name="detail"),
    path("<slug:slug>/references.bib", catalogue.project_bibtex, name="detail_bibtex"),
    path("<slug:slug>/edit/", catalogue.edit, name="edit"),
    path("<slug:slug>/review/", catalogue.review, name="review"),
    path("<slug:slug>/delete/", catalogue.delete, name="delete"),
]
