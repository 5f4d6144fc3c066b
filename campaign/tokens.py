"""The supporter's erase-my-data link token: opaque, recomputable for every email, stored only as a hash.

An HMAC of the submission's id and creation time under a key derived from SECRET_KEY: nothing in it can be read,
and a database dump (which holds only its SHA-256) does not give it away.
"""

import hashlib
import hmac

from django.conf import settings

from .models import Submission

TOKEN_LENGTH = 40


def submission_forget_token(*, submission: Submission) -> str:
    key = hashlib.sha256(f"campaign.submission.forget:{settings.SECRET_KEY}".encode()).digest()
    digest = hmac.new(key, f"{submission.pk}:{submission.created_at.isoformat()}".encode(), hashlib.sha256)
    return digest.hexdigest()[:TOKEN_LENGTH]


def forget_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
