# Two commands on a fresh machine with Python >= 3.11 and make:
#   make run    set up, then fly Mars 2020 and print its report
#   make test   set up, then lint and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test test-fast lint bench clean-cache

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/skycrane run m2020

# One pytest process per test directory (and one for the top-level files): a single process
# for the whole suite maps every compiled function's code into memory and came within reach of
# the kernel's 65,530 memory-map limit (vm.max_map_count), where LLVM aborts the interpreter.
# Every group runs; the target fails if any did.
TEST_GROUPS := $(sort $(dir $(wildcard tests/*/test_*.py))) $(wildcard tests/test_*.py)

test: $(STAMP) lint
	@status=0; for group in $(TEST_GROUPS); do \
		echo "== $$group"; $(BIN)/python -m pytest -q $$group || status=1; \
	done; exit $$status

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_entry.py
	$(BIN)/python benchmarks/bench_landing.py
	$(BIN)/python benchmarks/bench_mc.py
	$(BIN)/python benchmarks/bench_mc_scale.py --dir /tmp
	$(BIN)/python benchmarks/bench_detect.py

clean-cache:
	rm -rf $${XDG_CACHE_HOME:-$$HOME/.cache}/skycrane
