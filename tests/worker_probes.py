"""Functions run inside worker processes by the tests (importable by name: a spawned worker
unpickles them by their module)."""

from __future__ import annotations

import ctypes

PR_GET_PDEATHSIG = 2


def death_signal() -> int:
    """The signal this process receives when its parent ends (Linux's prctl), 0 if none."""
    found = ctypes.c_int(0)
    ctypes.CDLL("libc.so.6").prctl(PR_GET_PDEATHSIG, ctypes.byref(found))
    return found.value
