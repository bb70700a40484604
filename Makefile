# The two commands of README.md. Each sets up what is missing first.
.PHONY: setup demo test bench eval
setup:
	@scripts/setup.sh
demo: setup
	.venv/bin/dossier demo
test: setup
	.venv/bin/python -m pytest -q
bench: setup
	.venv/bin/python -m benchmarks.run
eval: setup
	.venv/bin/dossier eval
