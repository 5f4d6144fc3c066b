from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .files import poster_file_check
from .models import PosterUpload
from .services import poster_upload_store


class PosterUploadForm(forms.ModelForm):
    class Meta:
        model = PosterUpload
        fields = ["campaign", "language", "title", "file"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file of an earlier save
            try:
                self.checked = poster_file_check(upload)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return upload


@admin.register(PosterUpload)
class PosterUploadAdmin(admin.ModelAdmin):
    """Posters are campaign material, shared by every country like the campaign's texts (docs/security.md)."""

    form = PosterUploadForm
    list_display = ["title", "campaign", "language", "kind", "size", "created_at"]
    list_filter = ["campaign", "language", "kind"]
    search_fields = ["title"]

    def save_model(self, request: HttpRequest, obj: PosterUpload, form: PosterUploadForm, change: bool) -> None:
        checked = getattr(form, "checked", None)
        if checked is None:
            obj.save()
        else:
            poster_upload_store(upload=obj, checked=checked)
