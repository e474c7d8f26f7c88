import dataclasses
from pathlib import PurePath

from django import forms
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from core.uploads import CleanFile, clean_image, clean_image_or_pdf

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"


def named(clean: CleanFile, upload) -> CleanFile:
    """Keep a safe form of the name the person gave the file, with the extension we stored."""
    try:
        stem = get_valid_filename(PurePath(upload.name or "file").stem)[:100]
    except SuspiciousFileOperation:
        stem = "file"
    return dataclasses.replace(clean, original_name=f"{stem}.{clean.extension}")


class ValidatedFileField(forms.FileField):
    """A file field whose cleaned value is a :class:`core.uploads.CleanFile` (validated, re-encoded)."""

    cleaner = staticmethod(clean_image_or_pdf)
    accept = DOCUMENT_ACCEPT

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": self.accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return named(self.cleaner(value), value)
        return value


class ValidatedImageField(ValidatedFileField):
    cleaner = staticmethod(clean_image)
    accept = IMAGE_ACCEPT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleValidatedFileField(ValidatedFileField):
    """Several files at once; each is validated, and the first bad one names itself in the error."""

    def __init__(self, *args, max_files: int, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": self.accept, "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list[CleanFile]:
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise forms.ValidationError(
                _("At most %(count)d files can be uploaded.") % {"count": self.max_files}, code="too_many_files"
            )
        cleaned = []
        for upload in files:
            try:
                cleaned.append(named(self.cleaner(upload), upload))
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("%(name)s: %(error)s") % {"name": upload.name, "error": " ".join(error.messages)},
                    code=error.code,
                ) from None
        return cleaned


class MultipleValidatedImageField(MultipleValidatedFileField):
    cleaner = staticmethod(clean_image)
    accept = IMAGE_ACCEPT


# One style of empty choice across the site's forms (never Django's "---------").
EMPTY_CHOICE = _("— choose —")


def one_empty_choice(form) -> None:
    """Give every select of ``form`` that starts with Django's default empty choice the site's one."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == "---------":
                field.empty_label = EMPTY_CHOICE
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] in ("", None) and choices[0][1] == "---------":
                field.choices = [("", EMPTY_CHOICE), *choices[1:]]
