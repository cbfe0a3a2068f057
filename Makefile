# Test toolchain and quality gates for the ocitools.runc collection (repo root = collection root).
#
#   make venv         .venvs/dev (Python 3.11, ansible-core 2.19, requirements/dev.txt) and
#                     .venvs/newest (Python 3.13 or 3.12, ansible-core 2.21, requirements/core-newest.txt);
#                     each is rebuilt only when its requirements file changes (stamp file inside the venv)
#   make unit         pytest tests/unit on both venvs
#   make integration  pytest tests/integration on .venvs/dev (needs root and the real runc, CRIU, ssh)
#   make sanity       ansible-test sanity on ansible-core 2.19 (Python 3.11; compile+import also on 3.8)
#                     and 2.21 (Python 3.13/3.12), in a copy at build/sanity/ansible_collections/ocitools/runc
#   make lint         ansible-lint --profile production --offline, antsibull-docs lint-collection-docs
#   make build        ansible-galaxy collection build + install --offline + ansible-doc of every module,
#                     connection and inventory plugin
#   make molecule     molecule test --all in extensions/ (says so and succeeds when there is no scenario yet)
#   make benchmark    benchmarks/bench.py: modules against command/shell yardsticks (root, runc; benchmark-smoke: N=2)
#   make docs         docs site in build/docs/html (antsibull-docs + Sphinx -W, offline, .venvs/docs from
#                     requirements/docs.txt), then headless chromium checks its index and module pages
#   make test         all of the above (venv unit sanity lint build integration molecule docs benchmark-smoke),
#                     then a summary
#
# How the collection is found (pytest-ansible only in the integration tests, see PYTEST_ANSIBLE):
#   build/collections/ansible_collections/ocitools/runc is a symlink to the repo root (`make collections`).
#   pytest.ini puts build/collections on sys.path (`pythonpath`), so tests import
#   `ansible_collections.ocitools.runc.plugins.module_utils._runc.client` straight from the checkout, and this
#   Makefile exports ANSIBLE_COLLECTIONS_PATH=build/collections (and the same PYTHONPATH) for everything it
#   runs (ansible-playbook, ansible-lint, molecule, subprocesses of the tests). Running pytest by hand:
#   `make collections && .venvs/dev/bin/pytest tests/unit` (export ANSIBLE_COLLECTIONS_PATH for integration).
#   ansible-test needs a real .../ansible_collections/ocitools/runc directory that is a git work tree, so
#   `make sanity` copies the git-tracked and untracked-but-not-ignored files there and commits them.
#   ansible-test's pip bootstrap download cannot be reached here: tests/tooling/ansible_test_pip_bootstrap.py
#   writes a stand-in get_pip_<ver>.py (and the pip wheel from PyPI) into ~/.ansible/test/cache first.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

ROOT := $(CURDIR)
BUILD := $(ROOT)/build
REPORTS := $(BUILD)/reports
COLLECTIONS := $(BUILD)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/ocitools/runc

# pyenv's shims are dropped from PATH for everything run here: ansible's interpreter discovery picks
# e.g. the python3.13 shim, which fails unless that version is pyenv's global one (and ansible-test
# drops PYENV_VERSION). Real interpreters are named by full path below.
export PATH := $(shell printf '%s' "$$PATH" | tr ':' '\n' | grep -v '/\.pyenv/.*shims$$' | paste -sd: -)

# Interpreters: the first that exists wins; override with `make PY_DEV=... PY_NEWEST=...`.
PY_DEV ?= $(firstword $(wildcard /root/.pyenv/versions/3.11.7/bin/python3) $(shell command -v python3.11 2>/dev/null) python3)
PY_NEWEST ?= $(firstword $(wildcard /root/.pyenv/versions/3.13.0/bin/python3 /root/.pyenv/versions/3.12.1/bin/python3) \
	$(shell command -v python3.13 python3.12 2>/dev/null))
# Oldest target Python (CONTRIBUTING: 3.8+) for the extra compile/import sanity run; empty = skipped (with a note).
PY_OLDEST ?= $(firstword $(wildcard /root/.pyenv/versions/3.8.*/bin/python3.8) $(shell command -v python3.8 2>/dev/null))

DEV := $(ROOT)/.venvs/dev
NEWEST := $(ROOT)/.venvs/newest
DOCS_VENV := $(ROOT)/.venvs/docs
PYTEST_ARGS ?= -ra
# pytest-ansible (its ansible_adhoc fixture) for the integration tests only: pytest.ini turns it off, since
# its collection finder must be installed before anything imports the collection, which the unit tests'
# conftest does first. Inject-only: it uses build/collections (ANSIBLE_COLLECTIONS_PATH below), no farm of its own.
PYTEST_ANSIBLE := -p pytest-ansible --ansible-unit-inject-only
SANITY_ARGS ?=

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONPATH := $(COLLECTIONS)$(if $(filter-out $(COLLECTIONS),$(PYTHONPATH)),:$(PYTHONPATH))
# One cache for the working CRIU (tests/setup/criu.py) shared by the demo, molecule and the integration tests.
CRIU_CACHE ?= /var/cache/ocitools-criu
export OCITOOLS_CRIU_CACHE := $(CRIU_CACHE)
# One cache for the runc machine images (role runc_machine, built once per release and package list with mmdebstrap)
# shared by the integration machine lab, the runc_machine molecule scenario and later runs.
MACHINE_CACHE ?= /var/cache/ocitools-machines
export OCITOOLS_MACHINE_CACHE := $(MACHINE_CACHE)
export ANSIBLE_NOCOLOR := 1
export PY_COLORS := 0

.PHONY: help venv collections unit unit-dev unit-newest integration sanity sanity-2.19 sanity-2.19-oldest sanity-2.21 \
	sanity-copy lint build molecule benchmark benchmark-smoke docs test summary clean

help:
	@sed -n '3,17p' $(firstword $(MAKEFILE_LIST)) | sed 's/^# \{0,1\}//'

# ---------------------------------------------------------------- venvs
venv: $(DEV)/.stamp $(NEWEST)/.stamp

$(DEV)/.stamp: requirements/dev.txt
	@test -n "$(PY_DEV)" || { echo "venv: no Python 3.11+ found (set PY_DEV)" >&2; exit 1; }
	"$(PY_DEV)" -c 'import sys; assert sys.version_info[:2] >= (3, 11), "ansible-core 2.19 needs Python >= 3.11, got %s" % sys.version'
	rm -rf $(DEV)
	"$(PY_DEV)" -m venv $(DEV)
	$(DEV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

$(NEWEST)/.stamp: requirements/core-newest.txt
	@test -n "$(PY_NEWEST)" || { echo "venv: no Python 3.12 or 3.13 found for ansible-core 2.21 (set PY_NEWEST)" >&2; exit 1; }
	"$(PY_NEWEST)" -c 'import sys; assert sys.version_info[:2] >= (3, 12), "ansible-core 2.21 needs Python >= 3.12, got %s" % sys.version'
	rm -rf $(NEWEST)
	"$(PY_NEWEST)" -m venv $(NEWEST)
	$(NEWEST)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/core-newest.txt
	touch $@

# The symlink farm: build/collections/ansible_collections/ocitools/runc -> repo root.
collections:
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn ../../../.. $(COLLECTION_LINK)
	@test -f $(COLLECTION_LINK)/galaxy.yml

# ---------------------------------------------------------------- pytest suites
# $(call pytest,VENV,DIR,REPORT-NAME[,EXTRA-ARGS]): runs pytest when DIR holds test files; pytest's exit 5 (nothing
# collected although test files exist) fails the gate. A DIR without test files is named and passed over.
define pytest
	@rm -f $(REPORTS)/$(3).xml; mkdir -p $(REPORTS)
	@if [ -z "$$(find $(2) -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | head -n 1)" ]; then \
		echo "$(3): no test files under $(2) yet: nothing to run"; \
	else \
		echo "== $(3): $$($(1)/bin/python -c 'import sys; from ansible.release import __version__ as v; print("ansible-core " + v + " on python " + sys.version.split()[0])')"; \
		cd $(ROOT) && PATH=$(1)/bin:$$PATH $(1)/bin/python -m pytest $(PYTEST_ARGS) $(4) --junitxml=$(REPORTS)/$(3).xml $(2); \
	fi
endef

# -k: a failure on one core still runs the other.
unit:
	$(MAKE) -k unit-dev unit-newest

unit-dev: $(DEV)/.stamp collections
	$(call pytest,$(DEV),tests/unit,unit-core2.19)

unit-newest: $(NEWEST)/.stamp collections
	$(call pytest,$(NEWEST),tests/unit,unit-core2.21)

integration: $(DEV)/.stamp collections
	@[ "$$(id -u)" = 0 ] || { echo "integration: needs root (runc, CRIU, network namespaces)" >&2; exit 1; }
	@command -v runc >/dev/null || { echo "integration: runc is not installed" >&2; exit 1; }
	$(call pytest,$(DEV),tests/integration,integration-core2.19,$(PYTEST_ANSIBLE))

# ---------------------------------------------------------------- ansible-test sanity
SANITY_COPY := $(BUILD)/sanity/ansible_collections/ocitools/runc

sanity-copy:
	@rm -rf $(BUILD)/sanity && mkdir -p $(SANITY_COPY)
	@git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do \
		if [ -e "$$f" ] || [ -L "$$f" ]; then printf '%s\0' "$$f"; fi; done \
		| tar --null --no-recursion -T - -cf - | tar -xf - -C $(SANITY_COPY)
	@cd $(SANITY_COPY) && git init -q && git add -A \
		&& git -c user.name=sanity -c user.email=sanity@invalid commit -q --no-verify -m sanity
	@echo "sanity: copied $$(cd $(SANITY_COPY) && git ls-files | wc -l) files to $(SANITY_COPY)"

# $(call ansible_test,VENV,PYTHON-VERSION,EXTRA-PATH,ARGS)
define ansible_test
	$(1)/bin/python $(ROOT)/tests/tooling/ansible_test_pip_bootstrap.py
	cd $(SANITY_COPY) && env -u PYTHONPATH -u ANSIBLE_COLLECTIONS_PATH PATH=$(1)/bin$(3):$$PATH \
		$(1)/bin/ansible-test sanity --venv --python $(2) --color no $(4) $(SANITY_ARGS)
endef

# -k: every run goes ahead when an earlier one fails.
sanity:
	$(MAKE) -k sanity-2.19 sanity-2.19-oldest sanity-2.21

sanity-2.19: $(DEV)/.stamp sanity-copy
	$(call ansible_test,$(DEV),$$($(DEV)/bin/python -c 'import sysconfig; print(sysconfig.get_python_version())'),,)

# compile + import of the collection on the oldest target Python (CONTRIBUTING: 3.8+), ansible-core 2.19.
sanity-2.19-oldest: $(DEV)/.stamp sanity-copy
ifneq ($(PY_OLDEST),)
	$(call ansible_test,$(DEV),3.8,:$(patsubst %/,%,$(dir $(PY_OLDEST))),--test compile --test import)
else
	@echo "sanity-2.19-oldest: no python3.8 on this machine: compile/import on Python 3.8 not run"
endif

sanity-2.21: $(NEWEST)/.stamp sanity-copy
	$(call ansible_test,$(NEWEST),$$($(NEWEST)/bin/python -c 'import sysconfig; print(sysconfig.get_python_version())'),,)

# ---------------------------------------------------------------- lint
lint: $(DEV)/.stamp collections
	cd $(ROOT) && PATH=$(DEV)/bin:$$PATH $(DEV)/bin/ansible-lint --profile production --offline
	@# plugin docs: markup (O(), M(), ...) that names options and plugins which exist, links.yml, role specs
	cd $(ROOT) && PATH=$(DEV)/bin:$$PATH $(DEV)/bin/antsibull-docs lint-collection-docs --plugin-docs .

# ---------------------------------------------------------------- build + ansible-doc of the tarball
build: $(DEV)/.stamp
	rm -rf $(BUILD)/dist $(BUILD)/installed && mkdir -p $(BUILD)/dist $(BUILD)/installed
	PATH=$(DEV)/bin:$$PATH $(DEV)/bin/ansible-galaxy collection build --force --output-path $(BUILD)/dist $(ROOT)
	@# the tarball holds only files git tracks or would track (no caches, venvs, build output)
	@git ls-files -co --exclude-standard > $(BUILD)/git-files.txt
	@$(DEV)/bin/python -c 'import sys, tarfile; \
		names = {m.name for m in tarfile.open(sys.argv[1]).getmembers() if not m.isdir()}; \
		extra = sorted(names - set(open(sys.argv[2]).read().split("\n")) - {"MANIFEST.json", "FILES.json"}); \
		sys.exit("build: the tarball holds files git ignores (add them to build_ignore in galaxy.yml): " + " ".join(extra) if extra else 0)' \
		$$(ls $(BUILD)/dist/ocitools-runc-*.tar.gz) $(BUILD)/git-files.txt
	cd $(BUILD) && env -u PYTHONPATH ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed PATH=$(DEV)/bin:$$PATH \
		$(DEV)/bin/ansible-galaxy collection install --offline --force -p $(BUILD)/installed \
		$(BUILD)/dist/ocitools-runc-*.tar.gz
	@test -f $(BUILD)/installed/ansible_collections/ocitools/runc/MANIFEST.json
	@# every plugin with docs: modules, and the connection, inventory and filter plugins (TYPE:DIRECTORY)
	@cd $(BUILD) && export -n PYTHONPATH && export ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed \
		ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false; \
	for kind in module:modules connection:connection inventory:inventory filter:filter; do \
	type=$${kind%%:*}; plugins=$$(cd $(ROOT)/plugins/$${kind#*:} 2>/dev/null && ls *.py 2>/dev/null | grep -v '^__init__\.py$$' | sed 's/\.py$$//' || true); \
	if [ -z "$$plugins" ]; then echo "build: no $$type plugin in plugins/$${kind#*:} yet: ansible-doc not run"; continue; fi; \
	for m in $$plugins; do \
		out=$$($(DEV)/bin/ansible-doc -t $$type --json ocitools.runc.$$m 2>$(BUILD)/ansible-doc.err) \
			|| { echo "build: ansible-doc -t $$type ocitools.runc.$$m failed:" >&2; cat $(BUILD)/ansible-doc.err >&2; exit 1; }; \
		if [ -s $(BUILD)/ansible-doc.err ]; then \
			echo "build: ansible-doc -t $$type ocitools.runc.$$m wrote to stderr:" >&2; cat $(BUILD)/ansible-doc.err >&2; exit 1; fi; \
		printf '%s' "$$out" | $(DEV)/bin/python -c 'import json, sys; d = json.load(sys.stdin)["ocitools.runc." + sys.argv[1]]; \
			f = d["doc"]["filename"]; assert f.startswith(sys.argv[2]), "loaded from %s, not the installed tarball" % f; \
			assert d["doc"].get("short_description") and d.get("examples"), "missing DOCUMENTATION or EXAMPLES"' \
			"$$m" "$(BUILD)/installed/" || { echo "build: ansible-doc -t $$type ocitools.runc.$$m: bad documentation" >&2; exit 1; }; \
		echo "build: ansible-doc -t $$type ocitools.runc.$$m ok"; \
	done; \
	done

# ---------------------------------------------------------------- molecule
molecule: $(DEV)/.stamp collections
	@if [ ! -d $(ROOT)/extensions/molecule ]; then \
		echo "molecule: no extensions/molecule directory yet: no scenario to run"; \
	else \
		criu=$$($(DEV)/bin/python $(ROOT)/tests/setup/criu.py $(CRIU_CACHE)) && \
		cd $(ROOT)/extensions && OCITOOLS_CRIU=$$criu PATH=$(DEV)/bin:$$PATH $(DEV)/bin/molecule test --all; \
	fi

# ---------------------------------------------------------------- benchmarks (not timed tests)
# Builds its own bundles and state root in a temporary directory and removes them; prints a table of ratios.
benchmark: $(DEV)/.stamp collections
	@[ "$$(id -u)" = 0 ] || { echo "benchmark: needs root (runc)" >&2; exit 1; }
	PATH=$(DEV)/bin:$$PATH $(DEV)/bin/python $(ROOT)/benchmarks/bench.py $(BENCH_ARGS)

# N = 2, one pair: keeps the benchmark working (a gate of make test); its figures mean nothing.
benchmark-smoke: $(DEV)/.stamp collections
	@[ "$$(id -u)" = 0 ] || { echo "benchmark-smoke: needs root (runc)" >&2; exit 1; }
	PATH=$(DEV)/bin:$$PATH $(DEV)/bin/python $(ROOT)/benchmarks/bench.py --smoke

# ---------------------------------------------------------------- docs site
# antsibull-docs renders every module, plugin and role (meta/argument_specs.yml) of the collection, plus the
# guides of docs/docsite/extra-docs.yml, to rst; Sphinx builds HTML with warnings as errors (docs/site/conf.py:
# no intersphinx download, links to ansible-core's docs resolve offline). Then a real browser checks the result.
DOCS := $(BUILD)/docs

$(DOCS_VENV)/.stamp: requirements/docs.txt
	@test -n "$(PY_DEV)" || { echo "docs venv: no Python 3.11+ found (set PY_DEV)" >&2; exit 1; }
	rm -rf $(DOCS_VENV)
	"$(PY_DEV)" -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/docs.txt
	touch $@

docs: $(DOCS_VENV)/.stamp collections
	@start=$$(date +%s); rm -rf $(DOCS) && mkdir -p $(DOCS)/rst && chmod og-w $(DOCS)/rst; \
	cd $(DOCS) && PATH=$(DOCS_VENV)/bin:$$PATH $(DOCS_VENV)/bin/antsibull-docs \
		--config-file $(ROOT)/docs/site/antsibull-docs.cfg collection --use-current --fail-on-error \
		--cleanup everything --dest-dir $(DOCS)/rst ocitools.runc; \
	cp $(ROOT)/docs/site/index.rst $(DOCS)/rst/index.rst; \
	PATH=$(DOCS_VENV)/bin:$$PATH $(DOCS_VENV)/bin/sphinx-build -b html -W --keep-going -q -c $(ROOT)/docs/site \
		-d $(DOCS)/doctrees $(DOCS)/rst $(DOCS)/html; \
	echo "docs: built $$(find $(DOCS)/html -name '*.html' | wc -l) pages in $(DOCS)/html in $$(( $$(date +%s) - start ))s"; \
	PATH=$(DOCS_VENV)/bin:$$PATH $(DOCS_VENV)/bin/python $(ROOT)/tests/tooling/docs_browser_check.py $(DOCS)/html

# ---------------------------------------------------------------- the main job
# playbooks/demo.yml on localhost: builds a busybox rootfs, deploys containers, exec, checkpoint/restore.
# Debian 12's CRIU fails `criu check` on kernels 6.x: tests/setup/criu.py finds one that passes (the distro's
# where it works, else Debian 13's CRIU in a private prefix), so the demo really checkpoints and restores.
demo: $(DEV)/.stamp collections
	criu=$$($(DEV)/bin/python $(ROOT)/tests/setup/criu.py $(CRIU_CACHE)) && \
	$(DEV)/bin/ansible-playbook -i localhost, -c local -e ansible_python_interpreter=$(DEV)/bin/python \
		-e runc_criu=$$criu -e demo_require_checkpoint=true $(ROOT)/playbooks/demo.yml

# ---------------------------------------------------------------- everything
GATES := unit sanity lint build integration molecule docs benchmark-smoke

# Runs every gate even after one fails (so one CI run reports them all), prints each gate's result and
# time, then the pytest totals as the last line; exits non-zero when any gate failed.
test: venv
	@mkdir -p $(BUILD); : > $(BUILD)/gates.txt; failed=""; \
	for gate in $(GATES); do \
		echo "==== make $$gate"; start=$$(date +%s); \
		if $(MAKE) $$gate; then result=passed; else result=FAILED; failed="$$failed $$gate"; fi; \
		printf '%-12s %-7s %4ss\n' "$$gate" "$$result" "$$(( $$(date +%s) - start ))" >> $(BUILD)/gates.txt; \
	done; \
	echo "==== gates"; cat $(BUILD)/gates.txt; \
	if [ -n "$$failed" ]; then echo "make test: failed gates:$$failed"; fi; \
	$(MAKE) summary || failed="$$failed summary"; \
	[ -z "$$failed" ]

summary:
	@echo "==== pytest suites"
	@$(DEV)/bin/python tests/tooling/junit_summary.py $(REPORTS)/unit-core2.19.xml $(REPORTS)/unit-core2.21.xml \
		$(REPORTS)/integration-core2.19.xml

clean:
	rm -rf $(BUILD) tests/output .pytest_cache collections .ansible
