PYTHON ?= .venv/bin/python

run:
	scripts/setup.sh && .venv/bin/imr-app

test:
	scripts/test.sh

bench:
	$(PYTHON) -m bench.run

.PHONY: run test bench
