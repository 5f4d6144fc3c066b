"""Path converters. A database id in a URL is 1 to 18 ASCII digits: within a 64-bit key, never an overflow."""

ID_MAX_DIGITS = 18


class DatabaseIdConverter:
    regex = f"[0-9]{{1,{ID_MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def database_id_parse(value: str) -> int | None:
    """A posted id as an int, or None unless it is 1 to 18 ASCII digits ("²".isdigit() is True, for one)."""
    if value.isascii() and value.isdigit() and len(value) <= ID_MAX_DIGITS:
        return int(value)
    return None
