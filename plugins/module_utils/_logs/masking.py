# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Env values masked in log lines: what runc_logs returns never holds a value of the container's env.

The rule (documented in runc_logs): every value of ``process.env`` in the container's config.json
that is at least ``MIN_SECRET_LENGTH`` characters long is replaced by ``********`` wherever it occurs
in a line, longest values first, except the values of the few standard variables that hold no
secret (``PATH``, ``HOME``, ``TERM``, ... below). Shorter values are left: masking every ``1`` or
``on`` would blank out ordinary text, and a value that short protects nothing.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.ocitools.runc.plugins.module_utils._container.drift import MASK

MIN_SECRET_LENGTH = 4
# Set by runtimes, images and shells; their values are paths, terminal or locale names.
NOT_SECRET = frozenset(("PATH", "HOME", "TERM", "HOSTNAME", "LANG", "LANGUAGE", "TZ", "SHELL", "USER",
                        "LOGNAME", "PWD", "container"))


def _is_secret(name: str, value: str) -> bool:
    return len(value) >= MIN_SECRET_LENGTH and name not in NOT_SECRET and not name.startswith("LC_")


def secret_values(env: t.Iterable[t.Any]) -> t.Dict[str, str]:
    """``{value: name}`` of the values to mask, from OCI env entries ``NAME=VALUE`` (others are skipped)."""
    secrets: t.Dict[str, str] = {}
    for entry in env:
        if not isinstance(entry, str) or "=" not in entry:
            continue
        name, value = entry.split("=", 1)
        if _is_secret(name, value):
            secrets.setdefault(value, name)
    return secrets


class Masker:
    """Replaces the secret values in text and remembers which variables it masked."""

    def __init__(self, secrets: t.Mapping[str, str]) -> None:
        self._names = dict(secrets)
        ordered = sorted(self._names, key=lambda value: (-len(value), value))
        self._pattern = re.compile("|".join(re.escape(value) for value in ordered)) if ordered else None
        self.masked: t.Set[str] = set()

    def _replace(self, found: "re.Match[str]") -> str:
        self.masked.add(self._names[found.group(0)])
        return MASK

    def mask(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(self._replace, text)

    def masked_names(self) -> t.List[str]:
        """The variables whose values occurred (names are no secret), sorted."""
        return sorted(self.masked)
