"""Log lines with a UTC timestamp, as key=value or JSON, one event per line.

Callers log ids and statuses, never letter bodies or supporter addresses; this formatter adds no request data.
"""

import datetime
import json
import logging


class UtcLineFormatter(logging.Formatter):
    def __init__(self, *, json: bool = False) -> None:  # noqa: A002  (the LOGGING dict's key)
        super().__init__()
        self.as_json = json

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        if self.as_json:
            return json.dumps(fields, ensure_ascii=False)
        return " ".join(f"{key}={_value(value)}" for key, value in fields.items())


def _value(value: str) -> str:
    return (
        json.dumps(value, ensure_ascii=False) if (" " in value or "=" in value or '"' in value or not value) else value
    )
