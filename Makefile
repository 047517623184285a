# pelican-community: `make demo` builds the sample site, `make test` runs the suite.
# Everything installs itself into .venv; nothing is needed beyond Python 3.11+.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# A plain (non-editable) install, as users get it: Pelican discovers
# namespace plugins only then. Reinstalled whenever the package changes.
PACKAGE_FILES := $(shell find pelican-plugin -type f -not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null)
STAMP  := $(VENV)/.installed
# axe-core and the HTML validator for the browser checks, from package-lock.json.
NODE_STAMP := node_modules/.installed

# Each other supported Python, where this machine has one that runs: on the
# PATH, or installed by pyenv without being made global.
python_for = $(firstword $(foreach c,$(shell command -v python$(1) 2>/dev/null) \
  $(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/$(1).*/bin/python$(1)),\
  $(if $(shell $(c) -c 'print(1)' 2>/dev/null),$(c))))
OTHER_PYTHONS := $(foreach v,3.12 3.13,$(if $(call python_for,$(v)),$(v)))

.PHONY: demo test test-pythons test-lowest lint format bench bench-peer serve clean screenshots catalogs docs package-check

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0] if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

# $(call install,VENV,REQUIREMENTS[,PIP OPTIONS]): the package, plain as users
# get it, and REQUIREMENTS into VENV. pip builds in this folder: one build at a
# time (flock, where the system has it); only pip's own leftovers are removed.
define install
$(if $(shell command -v flock 2>/dev/null),flock .install.lock) sh -c '$(1)/bin/python -m pip install --quiet --disable-pip-version-check $(3) . -r $(2) \
  && $(1)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall . \
  && rm -rf build/lib build/bdist.* pelican-plugin/*.egg-info'
endef

$(STAMP): $(BIN)/python setup.cfg pyproject.toml requirements-dev.txt $(PACKAGE_FILES)
	$(call install,$(VENV),requirements-dev.txt)
	touch $@

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the browser tests will skip axe-core and the HTML validator"; fi

demo: $(STAMP)
	cd sample-site && PELICAN_COMMUNITY_OFFLINE=1 ../$(BIN)/pelican content -s pelicanconf.py -o output
	@echo
	@echo "The demo site is in sample-site/output/"
	@echo "  community page: sample-site/output/community/index.html"
	@echo "  serve it with:  make serve   (then open http://127.0.0.1:8000/)"

serve: $(STAMP)
	cd sample-site && ../$(BIN)/pelican --listen -o output -b 127.0.0.1 -p 8000

test: lint $(NODE_STAMP)
	$(BIN)/python -m pytest
	@$(MAKE) --no-print-directory -j2 test-pythons

# The suite on every other supported Python found here (3.12, 3.13), side by
# side on the machine's cores; the browser checks run once, above.
test-pythons: $(addprefix test-py,$(OTHER_PYTHONS))

test-py%:
	@test -x .venv-$*/bin/python || $(call python_for,$*) -m venv .venv-$*
	@$(call install,.venv-$*,requirements-dev.txt)
	.venv-$*/bin/python -m pytest -q -p no:cacheprovider -m "not browser" -o addopts="" -x | tail -3

# The lowest versions setup.cfg allows (constraints-lowest.txt), on the
# oldest supported Python: a floor that no longer works fails here.
test-lowest:
	@test -x .venv-lowest/bin/python || $(PYTHON) -m venv .venv-lowest
	$(call install,.venv-lowest,requirements-dev.txt,-c constraints-lowest.txt)
	.venv-lowest/bin/python -m pytest -q -p no:cacheprovider -m "not browser" -o addopts="" -x | tail -3

# The release as a package index and a new user see it: the sdist and the
# wheel (built from the sdist) pass `twine check --strict`, and the wheel
# installed alone into a clean venv builds the sample site offline.
PACKAGE_VENV := .venv-package
CHECK_DIR    := build/package-check
package-check:
	@test -x $(PACKAGE_VENV)/bin/python || $(PYTHON) -m venv $(PACKAGE_VENV)
	$(PACKAGE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check build twine
	rm -rf dist $(CHECK_DIR) && mkdir -p $(CHECK_DIR)
	$(PACKAGE_VENV)/bin/python -m build --outdir dist . > $(CHECK_DIR)/build.log 2>&1 \
	  || { tail -30 $(CHECK_DIR)/build.log; exit 1; }
	@rm -rf pelican-plugin/*.egg-info
	$(PACKAGE_VENV)/bin/twine check --strict dist/*
	$(PYTHON) -m venv $(CHECK_DIR)/venv
	$(CHECK_DIR)/venv/bin/python -m pip install --quiet --disable-pip-version-check dist/*.whl
	$(CHECK_DIR)/venv/bin/python -m pip check
	cp -r sample-site theme $(CHECK_DIR)/
	rm -rf $(CHECK_DIR)/sample-site/output $(CHECK_DIR)/sample-site/cache
	cd $(CHECK_DIR)/sample-site && PELICAN_COMMUNITY_OFFLINE=1 ../venv/bin/pelican content \
	  -s pelicanconf.py -o output --fatal warnings
	grep -q "Ruth Okafor" $(CHECK_DIR)/sample-site/output/community/index.html
	@echo "The package checks out: dist/ holds the sdist and the wheel."

# The manual: Sphinx, Furo and MyST-Parser in their own .venv-docs
# (requirements-docs.txt), docs/ into build/docs/; any warning fails it.
# The settings and command-line reference pages are generated from the
# installed package at each build (docs/_ext/community_reference.py).
DOCS_VENV  := .venv-docs
DOCS_STAMP := $(DOCS_VENV)/.installed

$(DOCS_VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0] if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(DOCS_VENV)

$(DOCS_STAMP): $(DOCS_VENV)/bin/python setup.cfg pyproject.toml requirements-docs.txt $(PACKAGE_FILES)
	$(call install,$(DOCS_VENV),requirements-docs.txt)
	touch $@

docs: $(DOCS_STAMP)
	$(DOCS_VENV)/bin/sphinx-build -W --keep-going -q -b html docs build/docs
	@echo "The manual is in build/docs/index.html"

# The README's pictures: the community page in two themes, as the browser
# tests see it (needs Chromium: apt-get install chromium).
screenshots: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest tests/test_browser.py -q -k "(community_page and 1280 and (project or notmyidea)) or (desk_page and 390)"
	cp build/browser/project-community-1280-top.png docs/community-project-theme.png
	cp build/browser/notmyidea-community-1280-top.png docs/community-notmyidea.png
	cp build/browser/desk-desk-390-top.png docs/screenshots/desk-390.png
	$(BIN)/python docs/screenshots/terminal_desk.py docs/screenshots/desk-terminal-80.svg

# The templates' words: extract them into the .pot, merge it into each .po
# (translate there), compile the .mo files the plugin reads.
LOCALE := pelican-plugin/pelican/plugins/community/locale
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _c -k _cn:1,2 --no-default-keywords \
	  --sort-by-file --project=pelican-community --copyright-holder=pelican-community \
	  --omit-header -o $(LOCALE)/pelican-community.pot .
	$(BIN)/pybabel update -D pelican-community -i $(LOCALE)/pelican-community.pot -d $(LOCALE) --no-fuzzy-matching
	$(BIN)/pybabel compile -D pelican-community -d $(LOCALE) --statistics

# No function of the package above cyclomatic complexity 20 (radon's ranks D-F).
COMPLEX = $(BIN)/radon cc --min D --show-complexity pelican-plugin

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@found="$$($(COMPLEX))"; if [ -n "$$found" ]; then echo "$$found"; \
	  echo "lint: functions above cyclomatic complexity 20 (radon cc); split them into named steps"; exit 1; fi

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Pelican + the plugin beside Eleventy on one site (needs Node.js and npm).
bench-peer: $(STAMP)
	$(BIN)/python bench/run.py --only peer

clean:
	rm -rf $(VENV) $(DOCS_VENV) $(PACKAGE_VENV) .venv-3.12 .venv-3.13 .venv-lowest node_modules sample-site/output build dist *.egg-info
