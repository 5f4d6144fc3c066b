"""Admin for organisers: the directory (scoped per host country) and, for superusers, the scopes."""

from .import_jobs import OfficeImportJobAdmin
from .offices import OfficeAdmin
from .scopes import OrganiserScopeAdmin

__all__ = ["OfficeAdmin", "OfficeImportJobAdmin", "OrganiserScopeAdmin"]
