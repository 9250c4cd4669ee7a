# The two commands of the README: `make demo` and `make test`.
.PHONY: setup demo test lint bench stop

setup:
	bash scripts/setup.sh

## Start the private PostGIS, load the bundled data, serve the map on http://127.0.0.1:8000/
demo: setup
	.venv/bin/geocoop demo

## Lint, then the whole test suite (real PostGIS, real Chromium, real GDAL)
test: setup
	.venv/bin/ruff check .
	.venv/bin/python -m pytest -p no:cacheprovider -q -ra --junitxml=test-artifacts/junit.xml

bench: setup
	.venv/bin/python benchmarks/run

stop:
	.venv/bin/geocoop db stop
