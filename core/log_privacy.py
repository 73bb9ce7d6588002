"""A logging filter that masks personal data in every record before it is written.

The masking function is injected (the composition root passes nlu's one PII
rule, `mask_pii`): core may not import nlu. The filter sits on the handlers,
not on loggers, because a logger's filters do not see records propagated from
its children; `install` puts it on every handler of the root logger and of
any logger that has handlers of its own (uvicorn's).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import lru_cache

Mask = Callable[[str], str]

# Shown instead of a message the mask could not process: withheld rather than leaked.
WITHHELD = "<log message withheld: masking failed>"
# Short texts recur (an access line's method, path and status, a logger's template):
# their masked form is remembered rather than run through the extractor each time.
CACHED_LENGTH = 256
CACHED_TEXTS = 4096


class MaskingFilter(logging.Filter):
    """Replaces a record's message (with its args) and exception text by their masked form."""

    def __init__(self, mask: Mask) -> None:
        super().__init__()
        self.mask = mask
        self._cached_mask = lru_cache(maxsize=CACHED_TEXTS)(mask)
        self._busy = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_pii_masked", False) or getattr(self._busy, "on", False):
            return True  # already done (several handlers), or a record logged by the mask itself
        self._busy.on = True
        try:
            self._mask_message(record)
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = self._safe(record.exc_text)
            if record.stack_info:
                record.stack_info = self._safe(record.stack_info)
            setattr(record, "_pii_masked", True)  # noqa: B010
        finally:
            self._busy.on = False
        return True

    def _mask_message(self, record: logging.LogRecord) -> None:
        """Mask the template and each argument; numbers stay numbers so "%d" and
        formatters that read `args` (uvicorn's access log) keep working."""
        try:
            whole = record.getMessage()
        except Exception:
            whole = str(record.msg)
        record.msg = self._safe(record.msg if isinstance(record.msg, str) else str(record.msg))
        if isinstance(record.args, dict):
            record.args = {k: self._arg(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(self._arg(a) for a in record.args)
        try:
            record.getMessage()
        except Exception:  # an argument's masked form does not fit its placeholder
            record.msg, record.args = self._safe(whole), None

    def _arg(self, value: object) -> object:
        if value is None or isinstance(value, (bool, float)):
            return value
        if isinstance(value, int):  # kept unless it reads as a NIK or phone number
            masked = self._safe(str(value))
            return value if masked == str(value) else masked
        return self._safe(value if isinstance(value, str) else str(value))

    def _safe(self, text: str) -> str:
        try:
            return self._cached_mask(text) if len(text) <= CACHED_LENGTH else self.mask(text)
        except Exception:
            return WITHHELD


def install(mask: Mask) -> MaskingFilter:
    """Add one MaskingFilter to every handler configured so far; returns it."""
    masking = MaskingFilter(mask)
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            if not any(isinstance(f, MaskingFilter) for f in handler.filters):
                handler.addFilter(masking)
    return masking


def uninstall() -> None:
    """Take every MaskingFilter off the handlers again (for tests)."""
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", ()):
            for found in [f for f in handler.filters if isinstance(f, MaskingFilter)]:
                handler.removeFilter(found)
