PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEEDS ?= ../shared/seeds

.PHONY: venv demo test lint check-seeds bench clean

$(BIN)/refrains: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,e5,parquet]'
	@touch $(BIN)/refrains

venv: $(BIN)/refrains

demo: venv
	$(BIN)/refrains analyze $(SEEDS) --db refrains.db --json report.json

test: venv
	$(BIN)/python -m pytest -q tests

check-seeds: venv
	$(BIN)/python ../shared/tools/check_seeds.py --cmd $(BIN)/refrains

lint: venv
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) refrains.db report.json
