"""The admin's import and export resource lives with the import code, where the import jobs use it too."""

from ..importing.resource import OfficeResource

__all__ = ["OfficeResource"]
