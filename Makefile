PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEEDS ?= ../shared/seeds

.PHONY: venv demo test lint check-seeds bench clean browser

$(BIN)/refrains: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,e5,parquet]'
	@touch $(BIN)/refrains

venv: $(BIN)/refrains

demo: venv
	$(BIN)/refrains analyze $(SEEDS) --db refrains.db --json report.json

test: venv browser
	$(BIN)/python -m pytest -q tests --doctest-modules src/refrains

# Debian's Chromium (and a CJK font) for the browser tests; never a downloaded browser.
browser:
	@command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium) \
		|| echo "warning: could not install chromium; the browser tests will be skipped"
	@fc-list :lang=zh 2>/dev/null | grep -q . || apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1 \
		|| echo "warning: no CJK font; Chinese shows as boxes in screenshots"

check-seeds: venv
	$(BIN)/python ../shared/tools/check_seeds.py --cmd $(BIN)/refrains

lint: venv
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) refrains.db report.json
