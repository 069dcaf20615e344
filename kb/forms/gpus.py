"""Coordinators' forms of the GPU board: a node, the thresholds."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kb.models import GpuBoardSettings, GpuNode


class GpuNodeForm(forms.ModelForm):
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
        ]
