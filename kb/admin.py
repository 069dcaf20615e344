from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.utils.translation import gettext_lazy as _

from kb.models import (
    Architecture,
    Contact,
    DataType,
    Laboratory,
    Link,
    Project,
    Reference,
    Task,
    User,
)


class UserCreationByEmailForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["email"]


class UserChangeByEmailForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationByEmailForm
    form = UserChangeByEmailForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        ),
    ]


class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["label_en", "label_fr", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["label_en", "label_fr", "slug"]

    def get_readonly_fields(self, request, obj=None):
        # Slugs are in shared addresses: fixed once the value exists.
        return ["slug"] if obj else []


for taxonomy in (Task, Architecture, DataType, Laboratory):
    admin.site.register(taxonomy, TaxonomyAdmin)


# As in the site's forms: a bare "example.org" is read as https.
URL_AS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class ReferenceInline(admin.StackedInline):
    model = Reference
    extra = 0
    formfield_overrides = URL_AS_HTTPS


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0
    formfield_overrides = URL_AS_HTTPS


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "status", "proposed_by", "published_at"]
    list_filter = ["status", "tasks", "architectures", "laboratories"]
    search_fields = ["title", "summary_fr", "summary_en"]
    filter_horizontal = ["tasks", "architectures", "data_types", "laboratories"]
    inlines = [ReferenceInline, ContactInline, LinkInline]
    # Publishing and rejecting go through the site's review (kb.services.catalogue),
    # which sends the emails: the admin edits content only.
    readonly_fields = [
        "slug", "status", "proposed_by", "reviewed_by", "review_message",
        "reviewed_at", "published_at", "created_at", "updated_at",
    ]  # fmt: skip
