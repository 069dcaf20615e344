"""The survey in the admin: coordinators design editions; responses are read-only and nameless.

The response pages show no key and no participation; the participation pages
show who took part and nothing of what they answered.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from survey import services
from survey.models import Answer, Choice, Edition, Participation, Question, Response, Section


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "key", "title_fr", "title_en"]
    extra = 0


class EditionAdminForm(forms.ModelForm):
    """Refuses what the site's design pages refuse: a published edition whose dates overlap
    another published edition's."""

    def _post_clean(self):
        super()._post_clean()
        if {"opens_at", "closes_at"} & self.errors.keys():
            return
        # The admin saves in the transaction this form is checked in: the lock holds until then.
        services.lock_editions()
        overlapping = services.published_overlaps(self.instance)
        if overlapping:
            self.add_error(None, services.dates_overlap_error(overlapping))


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = EditionAdminForm
    list_display = [
        "year",
        "title_fr",
        "opens_at",
        "closes_at",
        "state_label",
        "results_visibility",
    ]
    search_fields = ["title_fr", "title_en"]
    inlines = [SectionInline]

    @admin.display(description=_("state"))
    def state_label(self, edition):
        return edition.get_state_display()


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["position", "key", "text_fr", "text_en"]
    extra = 0


class QuestionAdminForm(forms.ModelForm):
    """Refuses what the site's design pages refuse: changes the stored answers would not fit."""

    def _post_clean(self):
        super()._post_clean()
        try:
            services.check_against_answers(question=self.instance)
        except ValidationError as error:
            self.add_error(None, error)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ["key", "text_fr", "kind", "section", "edition", "position", "required"]
    list_filter = ["edition", "kind"]
    list_select_related = ["section", "edition"]
    search_fields = ["key", "text_fr", "text_en"]
    ordering = ["-edition__year", "section__position", "position"]
    inlines = [ChoiceInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            form.base_fields["section"].queryset = Section.objects.filter(edition=obj.edition)
        return form


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "choice", "text", "number"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["edition", "submitted", "is_demo", "is_imported"]
    list_filter = ["edition", "submitted", "is_demo", "is_imported"]
    fields = ["edition", "submitted", "is_demo", "is_imported"]
    readonly_fields = fields
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["user", "edition", "submitted"]
    list_filter = ["edition", "submitted"]
    list_select_related = ["user", "edition"]
    fields = ["user", "edition", "submitted"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
