# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``debian_mirrors``: the apt sources of another Debian release, derived from a host's own apt sources.

Pure: it reads the text of the host's sources files (one-line ``sources.list`` format and deb822
``*.sources``) and never names a mirror itself. An entry of the host's own release (``bookworm``), of its
``-updates`` suite and of its security suite (``bookworm-security`` or the old ``bookworm/updates``) gives
the same URI and components for the wanted release (``trixie``, ``trixie-updates``, ``trixie-security``).
"""

from __future__ import annotations

import base64
import binascii
import typing as t

from ansible.errors import AnsibleFilterError

ARCHIVE = "archive"
UPDATES = "updates"
SECURITY = "security"
_ORDER = (ARCHIVE, UPDATES, SECURITY)


class SourceEntry(t.NamedTuple):
    uri: str
    suites: t.Tuple[str, ...]
    components: t.Tuple[str, ...]


def _one_line_entries(text: str) -> t.List[SourceEntry]:
    """``deb [options] URI SUITE COMPONENT...`` lines; deb-src, comments and options are left out."""
    entries = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue
        words = line[len("deb "):].strip()
        if words.startswith("["):
            words = words.split("]", 1)[1] if "]" in words else ""
        fields = words.split()
        if len(fields) >= 2:
            entries.append(SourceEntry(fields[0], (fields[1],), tuple(fields[2:])))
    return entries


def _deb822_stanzas(text: str) -> t.List[t.Dict[str, str]]:
    """deb822 paragraphs as {lower-case field: value}; continuation lines (a leading blank) are joined."""
    stanzas: t.List[t.Dict[str, str]] = []
    current: t.Dict[str, str] = {}
    field = ""
    for line in text.splitlines() + [""]:
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                stanzas.append(current)
            current, field = {}, ""
        elif line[0] in " \t":
            if field:
                current[field] += "\n" + line.strip()
        elif ":" in line:
            name, value = line.split(":", 1)
            field = name.strip().lower()
            current[field] = value.strip()
    return stanzas


def _deb822_entries(text: str) -> t.List[SourceEntry]:
    entries = []
    for stanza in _deb822_stanzas(text):
        if "deb" not in stanza.get("types", "").split() or stanza.get("enabled", "yes").lower() == "no":
            continue
        suites = tuple(stanza.get("suites", "").split())
        components = tuple(stanza.get("components", "").split())
        for uri in stanza.get("uris", "").split():
            entries.append(SourceEntry(uri, suites, components))
    return entries


def parse_sources(path: str, text: str) -> t.List[SourceEntry]:
    """The ``deb`` entries of one sources file: deb822 when its name ends in ``.sources``."""
    return _deb822_entries(text) if path.endswith(".sources") else _one_line_entries(text)


def suite_kind(suite: str, release: str) -> t.Optional[str]:
    """Which of the release's suites ``suite`` is, or None when it is another one (backports, other releases)."""
    kinds = {release: ARCHIVE, release + "-updates": UPDATES,
             release + "-security": SECURITY, release + "/updates": SECURITY}
    return kinds.get(suite.rstrip("/"))


def source_file(source: t.Mapping[str, t.Any]) -> t.Tuple[str, str]:
    """(path, text) of one sources file given as ``{path, content}`` or as a slurp result (``source``, base64)."""
    path = str(source.get("path") or source.get("source") or "")
    content = source.get("content") or ""
    if source.get("encoding") == "base64":
        try:
            content = base64.b64decode(content).decode("utf-8", "replace")
        except (binascii.Error, ValueError) as exc:
            raise AnsibleFilterError("debian_mirrors: the content of %s is not valid base64: %s" % (path, exc))
    return path, str(content)


def debian_mirrors(sources: t.Sequence[t.Mapping[str, t.Any]], release: str, host_release: str) -> t.List[str]:
    """One-line apt sources (``deb URI SUITE COMPONENTS``) for ``release``, from the host's ``sources``.

    ``sources`` is a list of the host's sources files, as ``{path, content}`` or as results of
    ``ansible.builtin.slurp``; ``host_release`` is the host's codename (``ansible_facts.distribution_release``).
    The archive entry is required, the updates and security ones are used when the host has them.
    """
    if not release or not host_release:
        raise AnsibleFilterError("debian_mirrors: release and host_release are required, got %r and %r" % (release, host_release))
    files = [source_file(source) for source in sources]
    found: t.Dict[str, SourceEntry] = {}
    for path, text in files:
        for entry in parse_sources(path, text):
            for suite in entry.suites:
                kind = suite_kind(suite, host_release)
                if kind and kind not in found:
                    found[kind] = entry
    if ARCHIVE not in found:
        raise AnsibleFilterError(
            "debian_mirrors: no apt source for the host's release %r in %s; give the mirror lines yourself "
            "(runc_machine_apt_sources)" % (host_release, ", ".join(path for path, _text in files) or "no sources file"))
    suffix = {ARCHIVE: "", UPDATES: "-updates", SECURITY: "-security"}
    lines = []
    for kind in _ORDER:
        if kind in found:
            entry = found[kind]
            components = " ".join(entry.components) or "main"
            lines.append("deb %s %s%s %s" % (entry.uri, release, suffix[kind], components))
    return lines


class FilterModule:
    def filters(self) -> t.Dict[str, t.Callable[..., t.Any]]:
        return {"debian_mirrors": debian_mirrors}
