"""What campaign tells the apps built on it, which it may not import."""

from django.dispatch import Signal

# A supporter erased their data: letter_ids are their letters, whose replies must go too.
submission_erased = Signal()
