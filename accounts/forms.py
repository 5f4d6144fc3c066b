"""The one field a second factor needs: the code the authenticator app shows."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

TOKEN_DIGITS = 6
# ASCII digits only: str.isdigit() would also take other scripts' digits, which int() then reads as a code.
TOKEN_PATTERN = re.compile(rf"[0-9]{{{TOKEN_DIGITS}}}")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,  # room for the spaces some apps show inside the code; a longer value is not a code
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_token(self) -> str:
        token = re.sub(r"[\s-]", "", self.cleaned_data["token"])
        if not TOKEN_PATTERN.fullmatch(token):
            raise forms.ValidationError(_("Enter the 6-digit code your authenticator app shows."), code="format")
        return token
