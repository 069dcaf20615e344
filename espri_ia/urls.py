"""Root URLs. Pages live under i18n_patterns: French at /, English at /en/."""

from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from kb.views import gpus, language

# The admin login goes through allauth's, with its rate limits.
admin.site.login = secure_admin_login(admin.site.login)

handler400 = "espri_ia.errors.bad_request"
handler500 = "espri_ia.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Outside i18n_patterns: nodes post here, in no language, to one fixed URL.
    path("gpus/report", gpus.report, name="gpu_report"),
    # Outside i18n_patterns too: it sets the language choice, in no language itself.
    path("language/<str:language>/", language.choose_language, name="choose_language"),
]
urlpatterns += i18n_patterns(
    path("", include("kb.urls")),
    path("survey/", include("survey.urls")),
    path("accounts/", include("allauth.urls")),
    prefix_default_language=False,
)
