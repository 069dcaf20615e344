"""Forms of the GPU board: a node and the thresholds (coordinators), a member's cluster login."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kb.forms.text_limits import TextLimitsMixin
from kb.models import ClusterLogin, GpuBoardSettings, GpuNode


class GpuNodeForm(TextLimitsMixin, forms.ModelForm):
    class Meta:
        model = GpuNode
        fields = ["name", "description_fr", "description_en"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip().lower()
        if GpuNode.objects.filter(name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A node with this name is already registered."))
        return name


class GpuBoardSettingsForm(forms.ModelForm):
    class Meta:
        model = GpuBoardSettings
        fields = [
            "free_memory_below_mib",
            "free_utilization_below_percent",
            "report_interval_seconds",
            "missed_reports_before_unknown",
            "idle_after_minutes",
            "email_idle_holders",
        ]


class ClusterLoginForm(forms.ModelForm):
    class Meta:
        model = ClusterLogin
        fields = ["login"]

    def clean_login(self):
        login = self.cleaned_data["login"].strip().lower()
        taken = ClusterLogin.objects.filter(login=login).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(
                _(
                    "Another account has linked this login; write to the coordinators if it is yours."
                )
            )
        return login
