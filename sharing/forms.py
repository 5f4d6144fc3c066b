from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .links import mastodon_instance_parse


class MastodonShareForm(forms.Form):
    instance = forms.CharField(
        label=_("Your Mastodon server"),
        max_length=300,
        help_text=_("For example mastodon.social. It is where you signed up."),
        error_messages={"required": _("Enter the address of your Mastodon server.")},
    )

    def clean_instance(self) -> str:
        instance = mastodon_instance_parse(self.cleaned_data["instance"])
        if instance is None:
            raise ValidationError(
                _("This is not a server address. Enter it like mastodon.social."), code="invalid_instance"
            )
        return instance
