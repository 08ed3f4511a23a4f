"""Standard output that fails as a user's problem: a full disk (`> /dev/full`) or a closed
stdout (`>&-`) is an error naming standard output (exit 2), never an internal error."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

from ..errors import InputError

HINT = "Free some space, or send the output somewhere that can take it."


class GuardedStdout:
    """Wraps sys.stdout (None when it is closed); writes that fail raise InputError. A pipe
    whose reader went away still raises BrokenPipeError, which the CLI treats as the end."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def _failed(self, exc: OSError) -> InputError:
        if self.real is not None:
            # what we could not write must not fail again when Python flushes at exit
            try:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, self.real.fileno())
                os.close(devnull)
            except (OSError, ValueError, AttributeError):
                pass
        return InputError("Cannot write", "standard output", exc.strerror or str(exc), HINT)

    def _call(self, name: str, *args: Any) -> Any:
        if self.real is None:
            raise self._failed(OSError(errno.EBADF, "it is closed"))
        try:
            return getattr(self.real, name)(*args)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def write(self, text: str) -> int:
        result: int = self._call("write", text)
        return result

    def flush(self) -> None:
        self._call("flush")

    def __getattr__(self, name: str) -> Any:
        if self.real is None:
            raise self._failed(OSError(errno.EBADF, "it is closed"))
        return getattr(self.real, name)


def guard() -> Any:
    """Installs the guard; returns what to put back."""
    real = sys.stdout
    sys.stdout = GuardedStdout(real)
    return real
