"""Abuse guards any public form can use: rate limits, a honeypot, a minimum fill time, proof of work.

Rate limits and one-use proof-of-work solutions live in the Django cache (Redis in production); while it is down
they are counted in the database (common.models.GuardCount), so an outage neither opens the gates nor closes them.
"""

import datetime
import hashlib
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cache import CacheUnavailable
from .models import GuardCount

FILL_TIME_SALT = "campaign.abuse.fill-time"  # salts unchanged: forms already open keep working
POW_SALT = "campaign.abuse.pow"
HONEYPOT_FIELD = "website"
STARTED_FIELD = "form_started"
POW_CHALLENGE_FIELD = "pow_challenge"
POW_SOLUTION_FIELD = "pow_solution"


class GuardUnavailable(Exception):
    """The guards cannot count now (cache and database down). Refuse the action; common.middleware says why."""


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True when this attempt is over the limit for the current window.

    Counts in the database while the cache is down; raises GuardUnavailable when that fails too: nothing may
    pass unguarded.
    """
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]  # keeps IPs and emails out of cache keys
    cache_key = f"ratelimit:{scope}:{digest}:{int(time.time() // window_seconds)}"
    try:
        count = _attempt_count(cache_key=cache_key, window_seconds=window_seconds)
    except CacheUnavailable:
        count = _database_count(key=cache_key, window_seconds=window_seconds)
    return count > limit


def _database_count(*, key: str, window_seconds: int) -> int:
    """Count one attempt in the database, for the time the cache cannot; returns the count after it."""
    now = timezone.now()
    try:
        with transaction.atomic():
            GuardCount.objects.filter(expires_at__lt=now).delete()
            if GuardCount.objects.filter(key=key).update(count=F("count") + 1):
                return GuardCount.objects.filter(key=key).values_list("count", flat=True).get()
            GuardCount.objects.create(key=key, count=1, expires_at=now + datetime.timedelta(seconds=window_seconds))
            return 1
    except IntegrityError:  # a parallel request created the row first
        return _database_count(key=key, window_seconds=window_seconds)
    except DatabaseError as error:
        raise GuardUnavailable from error


def _attempt_count(*, cache_key: str, window_seconds: int) -> int:
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds)
        count = 1
    return count


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind a proxy, set TRUSTED_PROXY_HEADER (e.g. HTTP_X_REAL_IP or
    HTTP_X_FORWARDED_FOR) and TRUSTED_PROXY_COUNT, the number of proxies of ours in front of the app.

    Each proxy appends the address it saw, so the entry TRUSTED_PROXY_COUNT from the end is the one our outermost
    proxy wrote; anything before it came from the client and is never believed.
    """
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    entries = [entry.strip() for entry in request.META.get(header, "").split(",") if entry.strip()] if header else []
    if entries:
        return entries[-min(settings.TRUSTED_PROXY_COUNT, len(entries))]
    return request.META.get("REMOTE_ADDR", "")


def browser_key(request: HttpRequest) -> str:
    """The same browser, as near as a site without cookies can tell: its address and User-Agent, hashed, so
    neither is kept."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:500]
    return hashlib.sha256(f"{client_ip(request)}\n{user_agent}".encode()).hexdigest()[:32]


def pow_challenge_new() -> str:
    salt = secrets.token_hex(12)
    return signing.dumps({"salt": salt, "bits": settings.POW_DIFFICULTY_BITS}, salt=POW_SALT)


def _leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + (8 - byte.bit_length())
    return bits


def pow_solution_check(*, challenge: str, solution: str) -> bool:
    """SHA-256(salt + solution) must start with the challenge's number of zero bits; each challenge works once."""
    try:
        data = signing.loads(challenge, salt=POW_SALT, max_age=settings.POW_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return False
    if not solution or len(solution) > 20 or not solution.isdigit():
        return False
    digest = hashlib.sha256(f"{data['salt']}{solution}".encode()).digest()
    if _leading_zero_bits(digest) < int(data["bits"]):
        return False
    used_key = f"pow-used:{data['salt']}"
    try:
        return cache.add(used_key, 1, timeout=settings.POW_MAX_AGE_SECONDS)
    except CacheUnavailable:
        return _database_count(key=used_key, window_seconds=settings.POW_MAX_AGE_SECONDS) == 1


class AbuseGuardFormMixin:
    """Adds a honeypot, a signed start time and (if POW_ENABLED) a proof-of-work challenge to a form.

    Call `abuse_guard_fields_add()` at the end of __init__ and `abuse_guards_check()` from clean().
    """

    def abuse_guard_fields_add(self, *, proof_of_work: bool) -> None:
        # The challenge is on every page that can lead to sending, so a preview round-trip keeps it.
        self.proof_of_work_required = proof_of_work and settings.POW_ENABLED
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            max_length=200,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[STARTED_FIELD] = forms.CharField(
            required=False,
            max_length=200,
            widget=forms.HiddenInput,
            initial=signing.dumps(time.time(), salt=FILL_TIME_SALT),
        )
        if settings.POW_ENABLED:
            self.fields[POW_CHALLENGE_FIELD] = forms.CharField(
                required=False, max_length=500, widget=forms.HiddenInput, initial=pow_challenge_new()
            )
            self.fields[POW_SOLUTION_FIELD] = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def abuse_guards_check(self) -> None:
        data = self.cleaned_data
        if data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(_("Please leave the field “Leave this field empty” empty."), code="honeypot")
        try:
            started = signing.loads(
                data.get(STARTED_FIELD) or "", salt=FILL_TIME_SALT, max_age=settings.FORM_MAX_AGE_SECONDS
            )
        except signing.SignatureExpired:
            self._abuse_tokens_renew()
            raise forms.ValidationError(
                _("This form was open too long. Please check it and send it again."), code="form_expired"
            ) from None
        except signing.BadSignature:
            self._abuse_tokens_renew()
            raise forms.ValidationError(
                _("The form was damaged on its way. Please check it and send it again."), code="form_tampered"
            ) from None
        if time.time() - float(started) < settings.FORM_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("That was faster than a person can fill in this form. Please check it and send it again."),
                code="too_fast",
            )
        if self.proof_of_work_required and not pow_solution_check(
            challenge=data.get(POW_CHALLENGE_FIELD) or "", solution=data.get(POW_SOLUTION_FIELD) or ""
        ):
            self._abuse_tokens_renew()
            raise forms.ValidationError(
                _(
                    "The anti-spam check did not finish. Please make sure JavaScript is on, wait a moment, and send again."
                ),
                code="pow_failed",
            )

    def proof_of_work_passed(self) -> bool:
        """Whether this submission carries a solved challenge: checked in clean() when it was required up front,
        else read from the posted fields a demand (below) added to the page before."""
        if self.proof_of_work_required:
            return True
        challenge = str(self.data.get(self.add_prefix(POW_CHALLENGE_FIELD)) or "")[:500]
        solution = str(self.data.get(self.add_prefix(POW_SOLUTION_FIELD)) or "")
        return pow_solution_check(challenge=challenge, solution=solution)

    def proof_of_work_demand(self) -> None:
        """Put a fresh challenge on the page this form renders, for a sender who must now prove the effort."""
        self.proof_of_work_required = True
        self.fields[POW_CHALLENGE_FIELD] = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
        self.fields[POW_SOLUTION_FIELD] = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
        self.data = self.data.copy()
        self.data[self.add_prefix(POW_CHALLENGE_FIELD)] = pow_challenge_new()
        self.data[self.add_prefix(POW_SOLUTION_FIELD)] = ""

    def _abuse_tokens_renew(self) -> None:
        """Bound forms re-render the posted values; give the next attempt fresh tokens instead."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix(STARTED_FIELD)] = signing.dumps(time.time(), salt=FILL_TIME_SALT)
            if settings.POW_ENABLED:
                self.data[self.add_prefix(POW_CHALLENGE_FIELD)] = pow_challenge_new()
                self.data[self.add_prefix(POW_SOLUTION_FIELD)] = ""
