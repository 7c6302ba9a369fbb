# naravard-kg: `make run` sets up and builds everything; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test bench install install-test clean reference screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# pip runs again only when pyproject.toml changes (the install is editable: code changes need none).
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

run: install
	$(BIN)/naravard build
	@echo "outputs: output/index.html (pages), output/gaps.html, output/graph.ttl"
	@echo "naravard is in $(BIN)/: run '. $(BIN)/activate' to put it on your PATH (or call $(BIN)/naravard)"

test: install-test
	$(BIN)/ruff check .              # lint (configuration in pyproject.toml)
	$(BIN)/ruff format --check .     # one code layout
	$(BIN)/naravard format --check   # one layout per data file (model v2)
	$(BIN)/pytest -n 3 --dist loadfile   # three workers, each test module on one (see README, Set up)

bench: install-test
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.load
	$(BIN)/naravard ingest --evaluate   # leave-one-document-out precision and recall of the ingest candidates

screenshots: install-test   # docs/screenshots/: every page kind at desktop and phone width (after make run)
	$(BIN)/python scripts/screenshots.py

reference: $(BIN)/python
	$(BIN)/pip install -q -e '.[reference]'
	$(BIN)/python scripts/make_reference.py

clean:
	rm -rf output .output.builds
