"""Admin for organisers: the directory (scoped per host country) and, for superusers, the scopes."""

from .offices import OfficeAdmin
from .scopes import OrganiserScopeAdmin

__all__ = ["OfficeAdmin", "OrganiserScopeAdmin"]
