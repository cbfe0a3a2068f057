# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signals as runc takes them (``runc kill``, a container's stop signal)."""

from __future__ import annotations

import signal as _signal
import typing as t


def normalize_signal(value: t.Union[str, int]) -> str:
    """Return a signal as runc accepts it: a number, or a name such as ``SIGTERM``.

    Accepts ``SIGTERM``, ``TERM``, ``term``, ``15`` and ``"15"``.
    """
    if isinstance(value, bool):
        raise ValueError("signal must be a name or a number, got %r" % (value,))
    text = str(value).strip()
    if text.isdigit():
        number = int(text)
        if not 0 < number < _signal.NSIG:
            raise ValueError("signal number %d is out of range 1-%d" % (number, _signal.NSIG - 1))
        return str(number)
    name = text.upper()
    if not name.startswith("SIG"):
        name = "SIG" + name
    if not hasattr(_signal.Signals, name) and not name.startswith("SIGRTM"):
        raise ValueError("unknown signal %r: use a name such as SIGTERM or TERM, or a number" % (value,))
    return name
