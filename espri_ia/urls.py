"""Root URLs. Pages live under i18n_patterns: French at /, English at /en/."""

from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

# The admin login goes through allauth's, with its rate limits.
admin.site.login = secure_admin_login(admin.site.login)

handler500 = "espri_ia.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    # Inside the prefixed URLs so that the switch resolves the page it comes from
    # in that page's language (unprefixed URLs are always French).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kb.urls")),
    path("survey/", include("survey.urls")),
    path("accounts/", include("allauth.urls")),
    prefix_default_language=False,
)
