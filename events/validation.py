"""What proposers may write: plain text only. Pure; the proposal form and the admin both use it.

Event pages are public and carry the site's name: markup or links typed into them would let anyone publish a
phishing link or a tracker under it. Organisers add nothing of the kind either, so the rule is the same for all.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.text import plain_text_validate as markup_refuse

LINK = re.compile(
    r"[a-z][a-z0-9+.-]*://"  # any scheme: http://, ftp://, javascript-ish tricks with a scheme
    r"|\b(?:www\d?|mailto|javascript|data)[.:]"
    # a bare domain with a common top-level domain, e.g. example.com/page or t.me
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|info|biz|io|me|ly|gl|co|app|xyz|link|site|online|ru|ua|eu|"
    r"cz|sk|pl|de|at|ch|it|fr|es|uk|nl|be|us|ca|tk|top|cc|to)\b",
    re.IGNORECASE,
)


def plain_text_validate(value: str) -> None:
    """No HTML, no links, no invisible control characters."""
    contact_validate(value)
    if LINK.search(value):
        raise ValidationError(_("Please leave out links and web addresses."), code="link")


def contact_validate(value: str) -> None:
    """The organiser contact may be an email address or a phone number, but never markup or control characters."""
    markup_refuse(value)
