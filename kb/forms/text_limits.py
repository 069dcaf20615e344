"""Limits every text field of a form shares: a length, and one line where one is asked."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# About ten printed pages: far beyond any description, well below what makes a save slow.
LONG_TEXT_MAX_LENGTH = 20_000


def validate_single_line(value):
    if "\r" in value or "\n" in value:
        raise ValidationError(_("Write this on one line."), code="single_line")


class TextLimitsMixin:
    """Text fields with no length get ``long_text_max_length``; one-line inputs refuse line breaks."""

    long_text_max_length = LONG_TEXT_MAX_LENGTH

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            if field.max_length is None:
                field.max_length = self.long_text_max_length
                field.validators.append(MaxLengthValidator(self.long_text_max_length))
                field.widget.attrs["maxlength"] = str(self.long_text_max_length)
            if not isinstance(field.widget, forms.Textarea):
                field.validators.append(validate_single_line)
