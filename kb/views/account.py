"""Account pages that django-allauth does not provide."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kb.forms.accounts import AccountDeleteForm
from kb.models import Project, Registration
from kb.services.events import withdraw_deleted_account
from survey.models import Participation
from survey.services import delete_member_answers


@login_required
def my_space(request):
    """What is the member's: survey answers per edition, registrations, proposals, email."""
    user = request.user
    participations = (
        Participation.objects.filter(user=user, edition__is_published=True)
        .select_related("edition")
        .order_by("-edition__year")
    )
    registrations = (
        Registration.objects.filter(user=user).select_related("event").order_by("-event__starts_at")
    )
    return render(
        request,
        "account/my_space.html",
        {
            "participations": participations,
            "registrations": registrations,
            "proposals": Project.objects.proposed_by(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        if form.cleaned_data["delete_survey_answers"]:
            delete_member_answers(user=user)
        logout(request)
        with transaction.atomic():
            withdraw_deleted_account(user=user)
            user.delete()
        messages.success(request, _("Your account has been deleted."))
        return redirect("home")
    return render(request, "account/delete.html", {"form": form})
