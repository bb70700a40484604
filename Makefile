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
# The README's evaluation figures: 200 generated documents (text layer and degraded scans) and the real ones.
EVAL_DIR ?= /tmp/dossier-eval200
eval: setup
	rm -rf $(EVAL_DIR) && .venv/bin/dossier fixtures generate $(EVAL_DIR) --n 200 --seed 11
	.venv/bin/dossier eval $(EVAL_DIR)/*_text_pdf.pdf
	.venv/bin/dossier eval $$(ls $(EVAL_DIR)/*_scan.* | grep -v json)
	.venv/bin/dossier eval ../shared/realdocs
