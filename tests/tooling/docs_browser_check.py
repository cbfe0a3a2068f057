# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make docs`'s check of the built site in a real browser (Debian's chromium, headless, offline).

    python docs_browser_check.py HTML_DIR

1. No page loads anything from the network (script, stylesheet, image or frame with an http(s) or
   protocol-relative address): the site works offline and the browser sends no traffic. Checked
   before chromium starts, which it then does not when this fails.
2. Chromium loads the site's index, which leads to the collection index; the collection index links
   every plugin, module, role and guide page that was built (whatever exists: nothing is listed here).
3. Chromium loads every module page; each shows the option table, with one row per option that
   `ansible-doc` knows for that module (ansible-doc of the same venv as this Python).
4. A screenshot of the first module page (HTML_DIR/../screenshots/), which must not be blank.
Prints what it checked and how long it took; exits 1 with the reasons when a check fails.
"""

from __future__ import annotations

import html.parser
import json
import shutil
import subprocess
import sys
import tempfile
import time
import typing as t
from pathlib import Path

COLLECTION = ("ocitools", "runc")
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# No network and no state: nothing reaches out, nothing is kept between runs.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-extensions", "--mute-audio",
    "--hide-scrollbars", "--window-size=1280,1600",
]
BROWSER_TIMEOUT = 60
MIN_SCREENSHOT_BYTES = 20000
REMOTE_PREFIXES = ("http://", "https://", "//")
LOADING_TAGS = {"script": "src", "img": "src", "iframe": "src", "link": "href"}
OPTION_TABLE_CLASS = "ansible-option-table"
OPTION_ID_PREFIX = "parameter-"


class Page(html.parser.HTMLParser):
    """The ids, link targets, classes and loaded resources of one HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: t.Set[str] = set()
        self.links: t.Set[str] = set()
        self.classes: t.Set[str] = set()
        self.loads: t.List[str] = []

    def handle_starttag(self, tag: str, attrs: t.List[t.Tuple[str, t.Optional[str]]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        self.classes.update(values.get("class", "").split())
        if tag == "a" and values.get("href"):
            self.links.add(values["href"].split("#", 1)[0])
        loaded = values.get(LOADING_TAGS.get(tag, ""), "")
        if loaded and not (tag == "link" and values.get("rel", "") in ("canonical", "search", "index")):
            self.loads.append(loaded)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


def remote_loads(html_dir: Path) -> t.List[str]:
    problems = []
    for path in sorted(html_dir.rglob("*.html")):
        for address in parse(path.read_text(encoding="utf-8")).loads:
            if address.startswith(REMOTE_PREFIXES):
                problems.append("%s loads %s" % (path.relative_to(html_dir), address))
    return problems


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("docs check: no chromium on PATH; install Debian's chromium (scripts/install-deps does)")


def browse(browser: str, profile: Path, page: Path, *action: str) -> subprocess.CompletedProcess:
    argv = [browser] + CHROMIUM_FLAGS + ["--user-data-dir=%s" % profile] + list(action) + [page.resolve().as_uri()]
    return subprocess.run(argv, capture_output=True, text=True, timeout=BROWSER_TIMEOUT, check=False)


def dom(browser: str, profile: Path, page: Path) -> Page:
    run = browse(browser, profile, page, "--dump-dom")
    if run.returncode != 0 or "</html>" not in run.stdout:
        raise SystemExit("docs check: chromium could not load %s (exit %d): %s" % (page, run.returncode, run.stderr[-2000:]))
    return parse(run.stdout)


def ansible_doc_options(modules: t.Sequence[str]) -> t.Dict[str, t.Set[str]]:
    """Top-level option names of each module, as ansible-doc (of this venv) reports them."""
    names = [".".join(COLLECTION + (module,)) for module in modules]
    ansible_doc = Path(sys.executable).parent / "ansible-doc"
    run = subprocess.run([str(ansible_doc), "--json", "-t", "module"] + names,
                         capture_output=True, text=True, timeout=300, check=False)
    if run.returncode != 0:
        raise SystemExit("docs check: ansible-doc failed: %s" % run.stderr[-2000:])
    docs = json.loads(run.stdout)
    return {module: set(docs[name]["doc"].get("options") or {}) for module, name in zip(modules, names)}


def page_problems(name: str, page: Page, options: t.Set[str]) -> t.List[str]:
    problems = []
    if OPTION_TABLE_CLASS not in page.classes:
        problems.append("%s: no option table (class %s) in the DOM" % (name, OPTION_TABLE_CLASS))
    shown = {anchor[len(OPTION_ID_PREFIX):] for anchor in page.ids
             if anchor.startswith(OPTION_ID_PREFIX) and "/" not in anchor}
    if shown != options:
        problems.append("%s: the option table shows %s, ansible-doc knows %s" % (name, sorted(shown), sorted(options)))
    return problems


def main(html_dir: Path) -> int:
    started = time.monotonic()
    collection_dir = html_dir.joinpath("collections", *COLLECTION)
    pages = sorted(path for path in collection_dir.rglob("*.html") if path.name != "index.html")
    modules = sorted(path for path in pages if path.name.endswith("_module.html"))
    if not (html_dir / "index.html").is_file() or not modules:
        print("docs check: %s has no index.html or no module page; run the docs build first" % html_dir)
        return 1
    problems = remote_loads(html_dir)
    if problems:  # the browser is not started on a site that would make it reach out
        print("\n".join("docs check: " + problem for problem in problems))
        return 1
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="docs-chromium-") as profile_dir:
        profile = Path(profile_dir)
        index = dom(browser, profile, html_dir / "index.html")
        if "collections/index.html" not in index.links:
            problems.append("index.html: no link to the collections index")
        collection_index = dom(browser, profile, collection_dir / "index.html")
        for page in pages:
            if page.relative_to(collection_dir).as_posix() not in collection_index.links:
                problems.append("collection index: no link to %s" % page.relative_to(html_dir))
        known = ansible_doc_options([path.name[:-len("_module.html")] for path in modules])
        for path in modules:
            problems += page_problems(path.name, dom(browser, profile, path), known[path.name[:-len("_module.html")]])
        shots = html_dir.parent / "screenshots"
        shots.mkdir(exist_ok=True)
        shot = shots / (modules[0].stem + ".png")
        browse(browser, profile, modules[0], "--screenshot=%s" % shot)
        if not shot.is_file() or shot.stat().st_size < MIN_SCREENSHOT_BYTES:
            problems.append("screenshot %s is missing or blank" % shot)
    for problem in problems:
        print("docs check: " + problem)
    print("docs check: chromium loaded the index, the collection index (%d pages linked) and %d module pages "
          "with their option tables; screenshot %s; %.1f s; %s"
          % (len(pages), len(modules), shot, time.monotonic() - started, "FAILED" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: docs_browser_check.py HTML_DIR")
    sys.exit(main(Path(sys.argv[1])))
