"""What every page a supporter reads shares: it leaks no address to the sites it links to.

Supporter pages send `Referrer-Policy: no-referrer`, so an embassy's website, a mail app or anyone a supporter
follows a link to learns nothing of the page they came from. With that policy browsers send `Origin: null` on the
page's own POST forms; `common.middleware.NullOriginCsrfMiddleware` then relies on the CSRF token alone. Staff
and group pages keep the default same-origin policy.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

PUBLIC_REFERRER_POLICY = "no-referrer"
# Powerful browser features no page of the site uses; nothing embedded may ask for them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Referrer-Policy"] = PUBLIC_REFERRER_POLICY
        return response

    return wrapped
