# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The README's tested code blocks, so that tests run exactly what a reader copies.

A fenced block is tested when the line before it (blank lines aside) is a marker::

    <!-- readme-test: NAME -->            a shell block, run as it is
    <!-- readme-test: NAME file=PATH -->  a file's content, written to PATH (relative to the shell's cwd)

``script(blocks, names)`` joins the blocks of the given names, in README order, into one bash script.
"""

from __future__ import annotations

import re
import shlex
import typing as t

MARKER = re.compile(r"^<!--\s*readme-test:\s*(?P<name>[\w.-]+)(?:\s+file=(?P<file>\S+))?\s*-->\s*$")
FENCE = re.compile(r"^```(?P<lang>[\w+-]*)\s*$")
HEREDOC_END = "README_TEST_EOF"


class Block(t.NamedTuple):
    name: str
    file: t.Optional[str]
    lang: str
    text: str
    line: int  # where the block's text starts in the README (1-based)


def parse(markdown: str) -> t.List[Block]:
    """Every marked block, in order. A marker not followed by a closed fence is an error."""
    lines = markdown.splitlines()
    blocks: t.List[Block] = []
    index = 0
    while index < len(lines):
        marker = MARKER.match(lines[index])
        index += 1
        if not marker:
            continue
        while index < len(lines) and not lines[index].strip():
            index += 1
        fence = FENCE.match(lines[index]) if index < len(lines) else None
        if not fence:
            raise ValueError("README line %d: a readme-test marker must be followed by a fenced block" % index)
        start = index + 1
        end = start
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError("README line %d: the fenced block is not closed" % (start))
        text = "\n".join(lines[start:end]) + "\n"
        blocks.append(Block(marker.group("name"), marker.group("file"), fence.group("lang"), text, start + 1))
        index = end + 1
    return blocks


def script(blocks: t.Sequence[Block], names: t.Sequence[str]) -> str:
    """One bash script from the named blocks: shell blocks as they are, file blocks as here-documents."""
    parts = []
    for block in blocks:
        if block.name not in names:
            continue
        if block.file is None:
            parts.append(block.text)
        else:
            if HEREDOC_END in block.text:
                raise ValueError("README line %d: the block contains %s" % (block.line, HEREDOC_END))
            parts.append("cat > %s <<'%s'\n%s%s\n" % (shlex.quote(block.file), HEREDOC_END, block.text, HEREDOC_END))
    return "".join(parts)
