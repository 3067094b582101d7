PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEEDS ?= ../shared/seeds

.PHONY: venv demo test lint check-seeds bench bench-full bench-search clean browser pg

$(BIN)/refrains: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,e5,parquet,postgres,batch]'
	@touch $(BIN)/refrains

venv: $(BIN)/refrains

demo: venv
	$(BIN)/refrains analyze $(SEEDS) --db refrains.db --json report.json

test: venv browser pg
	$(BIN)/python -m pytest -q tests --doctest-modules src/refrains

# PostgreSQL 15 + pgvector in .pg/ (127.0.0.1:54329) for the server-store tests; apt needs root.
# Without it the PostgreSQL tests are skipped, saying why; with CI=true they must run, so this fails.
pg:
	@bash scripts/pg-setup.sh || { if [ "$$CI" = true ]; then \
		echo "error: scripts/pg-setup.sh failed; CI=true needs PostgreSQL for the store tests" >&2; exit 1; fi; \
		echo "warning: scripts/pg-setup.sh failed; the PostgreSQL store tests will be skipped" >&2; }

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
	$(BIN)/mypy --strict src/refrains

clean:
	rm -rf $(VENV) refrains.db report.json

# Speed and memory (issue 5): throughput, efficiency, growth, incremental, query latency, peak RSS on
# generated multilingual news; each section prints figures and a JSON line, the last one the summary.
bench: venv
	$(BIN)/python bench/perf.py --size small

bench-full: venv
	$(BIN)/python bench/perf.py --size full
	$(BIN)/python bench/search_scale.py --docs 100000

# Semantic search at archive size alone (a 100,000-document store of copied real articles, ~6 GB, ~20 min).
bench-search: venv
	$(BIN)/python bench/search_scale.py --docs 100000
