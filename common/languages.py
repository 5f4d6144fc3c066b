"""The same page in every interface language: the switcher's links and the hreflang alternates of each page."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name_local: str
    path: str
    url: str  # absolute, as hreflang alternates want it
    is_current: bool


def page_languages(request: HttpRequest) -> dict[str, list[LanguageLink]]:
    """Context processor. Pages outside the language prefix (admin, webhooks) get no links."""
    current = translation.get_language()
    if not getattr(request, "resolver_match", None) or not request.path.startswith(f"/{current}/"):
        return {"page_languages": []}
    query = request.GET.urlencode()
    links = []
    for code, _name in settings.LANGUAGES:
        path = translate_url(request.path, code) + (f"?{query}" if query else "")
        links.append(
            LanguageLink(
                code=code,
                name_local=translation.get_language_info(code)["name_local"],
                path=path,
                url=request.build_absolute_uri(path),
                is_current=code == current,
            )
        )
    return {"page_languages": links}
