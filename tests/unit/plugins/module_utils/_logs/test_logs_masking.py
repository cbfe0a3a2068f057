# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Env values masked in lines: the rule (length, standard variables), longest first, names reported."""

from __future__ import annotations

import pytest

from ansible_collections.ocitools.runc.plugins.module_utils._logs.masking import Masker, secret_values


@pytest.mark.parametrize("entry, masked", [
    pytest.param("DB_PASSWORD=s3cr3t-value", True, id="long-value"),
    pytest.param("PIN=1234", True, id="four-characters"),
    pytest.param("DEBUG=1", False, id="short-value"),
    pytest.param("MODE=on", False, id="three-characters"),
    pytest.param("PATH=/usr/local/bin:/usr/bin", False, id="PATH"),
    pytest.param("HOME=/root", False, id="HOME"),
    pytest.param("LC_ALL=C.UTF-8", False, id="LC_-prefix"),
    pytest.param("TERM=xterm", False, id="TERM"),
    pytest.param("TOKEN=a=b=c=d", True, id="value-with-equals"),
    pytest.param("NOVALUE", False, id="no-equals-sign"),
])
def test_which_values_are_secret(entry: str, masked: bool) -> None:
    assert bool(secret_values([entry])) is masked


def test_non_string_entries_are_skipped() -> None:
    assert secret_values([None, 5, "KEY=abcdef"]) == {"abcdef": "KEY"}


def test_every_occurrence_is_masked_longest_first_and_names_are_reported() -> None:
    masker = Masker(secret_values(["SHORT=abcd", "LONG=abcdefgh", "OTHER=zzzzzz", "PATH=/bin:/usr/bin"]))
    assert masker.mask("x abcdefgh y abcd z abcdefgh /bin:/usr/bin") == "x ******** y ******** z ******** /bin:/usr/bin"
    assert masker.masked_names() == ["LONG", "SHORT"]


def test_regex_characters_in_values_are_literal() -> None:
    masker = Masker(secret_values(["PASS=a.b*c(d"]))
    assert masker.mask("aXbbbc(d a.b*c(d") == "aXbbbc(d ********"


def test_no_secrets_leaves_text_alone() -> None:
    masker = Masker({})
    assert masker.mask("anything") == "anything" and masker.masked_names() == []
