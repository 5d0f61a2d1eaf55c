PYTHON ?= .venv/bin/python

bench:
	$(PYTHON) -m bench.run

.PHONY: bench
