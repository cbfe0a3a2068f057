# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure parts of `make docs`'s browser check: what a page loads, links and shows as options."""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tooling"))

import docs_browser_check as check  # noqa: E402  (tests/tooling is not a package)

MODULE_PAGE = """<html><head><link rel="stylesheet" href="../_static/a.css"><script src="../_static/b.js"></script></head>
<body><a href="runc_info_module.html#parameter-id">id</a>
<table class="longtable ansible-option-table docutils">
<tr><td><div class="ansibleOptionAnchor" id="parameter-id"></div></td></tr>
<tr><td><div class="ansibleOptionAnchor" id="parameter-features"></div></td></tr>
<tr><td><div class="ansibleOptionAnchor" id="parameter-rlimits/type"></div></td></tr>
</table></body></html>"""


def test_parse_collects_ids_links_classes_and_loads() -> None:
    page = check.parse(MODULE_PAGE)
    assert {"parameter-id", "parameter-features", "parameter-rlimits/type"} <= page.ids
    assert page.links == {"runc_info_module.html"}
    assert "ansible-option-table" in page.classes
    assert page.loads == ["../_static/a.css", "../_static/b.js"]


@pytest.mark.parametrize("options, problems", [
    ({"id", "features"}, 0),
    ({"id", "features", "stats"}, 1),
    ({"id"}, 1),
])
def test_page_problems_compare_the_table_with_ansible_doc(options: t.Set[str], problems: int) -> None:
    assert len(check.page_problems("runc_info_module.html", check.parse(MODULE_PAGE), options)) == problems


def test_a_page_without_option_table() -> None:
    found = check.page_problems("x_module.html", check.parse("<html><body><p>nothing</p></body></html>"), set())
    assert found == ["x_module.html: no option table (class ansible-option-table) in the DOM"]


@pytest.mark.parametrize("tag, remote", [
    ('<script src="https://cdn.example.invalid/x.js"></script>', True),
    ('<link rel="stylesheet" href="//fonts.example.invalid/f.css">', True),
    ('<img src="http://example.invalid/i.png">', True),
    ('<a href="https://docs.ansible.com/">a link is not loaded</a>', False),
    ('<link rel="canonical" href="https://example.invalid/page.html">', False),
    ('<script src="_static/local.js"></script>', False),
])
def test_remote_loads(tmp_path: Path, tag: str, remote: bool) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_text("<html><head>%s</head><body></body></html>" % tag)
    assert check.remote_loads(tmp_path) == (["sub/page.html loads " + tag.split('"')[-2]] if remote else [])
