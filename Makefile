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
# The README's evaluation figures, headline first: the held-out real set (never tuned on), the
# real development documents (fixtures/realdev, then ../shared/realdocs), then 200 generated
# documents (text layer, degraded scans) and 60 phone photos; every report splits the key fields
# by kind and by family.
EVAL_DIR ?= /tmp/dossier-eval200
eval: setup
	@echo "== held-out real documents (fixtures/realeval): the headline figure"
	.venv/bin/dossier eval fixtures/realeval
	@echo "== real development documents (fixtures/realdev: the tunable half of the real split)"
	.venv/bin/dossier eval fixtures/realdev
	@echo "== real development documents (../shared/realdocs)"
	.venv/bin/dossier eval ../shared/realdocs
	rm -rf $(EVAL_DIR) && .venv/bin/dossier fixtures generate $(EVAL_DIR) --n 200 --seed 11
	rm -rf $(EVAL_DIR)-photo && .venv/bin/dossier fixtures generate $(EVAL_DIR)-photo --n 60 --seed 11 --forms photo
	@echo "== generated, text layer"
	.venv/bin/dossier eval $(EVAL_DIR)/*_text_pdf.pdf
	@echo "== generated, degraded scans"
	.venv/bin/dossier eval $$(ls $(EVAL_DIR)/*_scan.* | grep -v json)
	@echo "== generated, phone photos"
	.venv/bin/dossier eval $$(ls $(EVAL_DIR)-photo/*_photo.* | grep -v json)
