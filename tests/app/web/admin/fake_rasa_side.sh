#!/bin/sh
# Behaves like `python -m rasa train ...`, `python nlu/evaluate.py ...` and `python nlu/read.py ...`
# as far as the web app can tell: log lines with progress, a model file, a report, readings.
# FAIL_TRAINING makes training fail.
if [ "$1" = "-m" ] && [ "$2" = "rasa" ]; then
  [ -n "$FAIL_TRAINING" ] && { echo "InvalidConfigException: no such component"; exit 1; }
  while [ $# -gt 0 ]; do case "$1" in --out) out="$2";; --fixed-model-name) name="$2";; esac; shift; done
  echo "2026-11-27 08:00:00 INFO rasa.engine.training.hooks - Starting to train component 'DIETClassifier'."
  printf 'Epochs:  50%%|#####     | 1/2\rEpochs: 100%%|##########| 2/2\n'
  echo "2026-11-27 08:00:01 INFO rasa.engine.training.hooks - Finished training component 'DIETClassifier'."
  sleep "${TRAIN_SECONDS:-0}"
  echo model > "$out/$name.tar.gz"
elif [ "$1" = "nlu/read.py" ]; then
  while [ $# -gt 0 ]; do case "$1" in --out) out="$2";; esac; shift; done
  echo '{"model": "fake", "readings": {"贷款利率多少": ["faq_loan", 0.9]}}' > "$out"
else
  while [ $# -gt 0 ]; do case "$1" in --report) report="$2";; esac; shift; done
  echo "2026-11-27 08:00:02 [debug] processor.message.parse"
  echo "intent accuracy      0.97      0.96"
  echo '{"languages": {"zh": {"intent_accuracy": 0.97, "intent_macro_f1": 0.96, "intent_macro_f1_by_intent": 0.94}, "en": {"intent_accuracy": 0.96, "intent_macro_f1": 0.95, "intent_macro_f1_by_intent": 0.93}}}' > "$report"
fi
