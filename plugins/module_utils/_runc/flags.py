# -*- coding: utf-8 -*-
# Copyright: ocitools contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How an options type writes its flags into argv (shared by the global and the per-subcommand options)."""

from __future__ import annotations

import typing as t


def flag(argv: t.List[str], name: str, enabled: bool) -> None:
    if enabled:
        argv.append(name)


def value(argv: t.List[str], name: str, value: t.Optional[object]) -> None:
    if value is not None and value != "":
        argv.extend([name, str(value)])


def values(argv: t.List[str], name: str, values: t.Iterable[object]) -> None:
    for value in values:
        argv.extend([name, str(value)])
