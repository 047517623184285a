# pelican-community: `make demo` builds the sample site, `make test` runs the suite.
# Everything installs itself into .venv; nothing is needed beyond Python 3.11+.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# A plain (non-editable) install, as users get it: Pelican discovers
# namespace plugins only then. Reinstalled whenever the package changes.
PACKAGE_FILES := $(shell find pelican-plugin -type f -not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null)
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format bench serve clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, found " + sys.version.split()[0] if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python setup.cfg pyproject.toml $(PACKAGE_FILES)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check '.[test]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall .
	rm -rf build pelican-plugin/*.egg-info
	touch $@

demo: $(STAMP)
	cd sample-site && PELICAN_COMMUNITY_OFFLINE=1 ../$(BIN)/pelican content -s pelicanconf.py -o output
	@echo
	@echo "The demo site is in sample-site/output/"
	@echo "  community page: sample-site/output/community/index.html"
	@echo "  serve it with:  make serve   (then open http://127.0.0.1:8000/)"

serve: $(STAMP)
	cd sample-site && ../$(BIN)/pelican --listen -o output -b 127.0.0.1 -p 8000

test: lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) sample-site/output build dist *.egg-info
