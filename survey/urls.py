from django.urls import path

from survey import design_views, results_views, views

app_name = "survey"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.start, name="start"),
    path("<int:year>/step/<int:number>/", views.step, name="step"),
    path("<int:year>/review/", views.review, name="review"),
    # Coordinators
    path("design/", design_views.edition_list, name="design_list"),
    path("design/new/", design_views.edition_copy, name="design_copy"),
    path("design/<int:year>/", design_views.edition_detail, name="design_detail"),
    path("design/<int:year>/settings/", design_views.edition_settings, name="design_settings"),
    path("design/<int:year>/publish/", design_views.edition_publish, name="design_publish"),
    path("design/<int:year>/open/", design_views.edition_open, name="design_open"),
    path("design/<int:year>/close/", design_views.edition_close, name="design_close"),
    path("design/<int:year>/sections/new/", design_views.section_edit, name="design_section_new"),
    path(
        "design/<int:year>/sections/<int:pk>/",
        design_views.section_edit,
        name="design_section",
    ),
    path(
        "design/<int:year>/sections/<int:pk>/move/",
        design_views.section_move,
        name="design_section_move",
    ),
    path(
        "design/<int:year>/sections/<int:pk>/delete/",
        design_views.section_delete,
        name="design_section_delete",
    ),
    path(
        "design/<int:year>/questions/new/", design_views.question_edit, name="design_question_new"
    ),
    path(
        "design/<int:year>/questions/<int:pk>/",
        design_views.question_edit,
        name="design_question",
    ),
    path(
        "design/<int:year>/questions/<int:pk>/move/",
        design_views.question_move,
        name="design_question_move",
    ),
    path(
        "design/<int:year>/questions/<int:pk>/delete/",
        design_views.question_delete,
        name="design_question_delete",
    ),
    path("design/<int:year>/preview/<int:number>/", design_views.preview, name="design_preview"),
    path("design/<int:year>/import/", design_views.import_csv, name="design_import"),
    path(
        "design/<int:year>/import/<int:pk>/",
        design_views.import_preview,
        name="design_import_preview",
    ),
    path(
        "design/<int:year>/import/<int:pk>/undo/",
        design_views.import_undo,
        name="design_import_undo",
    ),
]

# Results
urlpatterns += [
    path("results/", results_views.latest, name="results_latest"),
    path("results/trends/", results_views.trends, name="trends"),
    path("<int:year>/results/", results_views.results, name="results"),
    path("<int:year>/results/texts/<slug:key>/", results_views.free_texts, name="results_texts"),
    path("<int:year>/results/answers.csv", results_views.export_csv, name="export_csv"),
    path("<int:year>/results/tidy.csv", results_views.export_tidy_csv, name="export_tidy_csv"),
    path("<int:year>/results/answers.xlsx", results_views.export_xlsx, name="export_xlsx"),
]
