# QMS — two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test unit integration lint migrate bench bench-quick clean token

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) ## the whole system on embedded Postgres and broker; Ctrl-C stops it
	$(BIN)/python -m shared.cli run

test: $(STAMP) ## the whole suite, against the same embedded Postgres and broker
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest tests/integration

lint: $(STAMP)
	$(BIN)/ruff check shared services tests bench
	$(BIN)/ruff format --check shared services tests bench
	$(BIN)/mypy shared services tests bench

migrate: $(STAMP) ## schemas, roles, topics and every service's migrations
	$(BIN)/python -m shared.cli migrate

token: $(STAMP) ## make token ROLE=quality_manager
	@$(BIN)/python -m shared.cli token --role $(ROLE)

bench: $(STAMP) ## throughput and latency beside same-run baselines → bench/out/
	$(BIN)/python -m bench.run

bench-quick: $(STAMP) ## a short smoke run of the benchmarks
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf .data
