# pelican-community: `make demo` builds the sample site, `make test` runs the suite.
# Everything installs itself into .venv; nothing is needed beyond Python 3.11+.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint format bench serve clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed" or 0)'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: $(STAMP)
	cd sample-site && PELICAN_COMMUNITY_OFFLINE=1 ../$(BIN)/pelican content -s pelicanconf.py -o output
	@echo
	@echo "The demo site is in sample-site/output/"
	@echo "  community page: sample-site/output/community/index.html"
	@echo "  serve it with:  make serve   (then open http://127.0.0.1:8000/)"

serve: $(STAMP)
	cd sample-site && ../$(BIN)/pelican --listen -o output -b 127.0.0.1 -p 8000

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) sample-site/output build dist *.egg-info
