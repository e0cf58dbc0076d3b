"""Rasa's readings of the calibration questions: what the model Rasa serves files each under.

The answer decision weighs Rasa's intent (retriever/decision.py), so it must be fitted on how
the live model reads questions it was not fitted on. After every training the Rasa side reads
the calibration questions with the new model and keeps the readings beside it
(`<model>.readings.json`, nlu/read.py); whoever puts a model into service (ops/stack.py at start,
the editor's deploy and roll back: web/admin/models.py) publishes its readings where the
retriever looks (`rasa_readings_path`). The retriever refits when that file changes. A model
without readings (an imported one, or trained before this existed) is published as none, and the
decision leaves Rasa's reading out rather than trusting another model's.

    python -m retriever.readings --texts F   # writes the questions to read (JSON list) to F
"""

import argparse
import json
import logging
import sys
from pathlib import Path

from retriever.decision import RasaReading

logger = logging.getLogger("retriever")


def load(path: Path | None) -> dict[str, RasaReading]:
    """{question: Rasa's reading} from a readings file ({"readings": {text: [intent, conf]}})."""
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {text: RasaReading(str(intent), float(confidence))
                for text, (intent, confidence) in data["readings"].items()}
    except (OSError, ValueError, KeyError, TypeError) as error:
        logger.warning("Rasa's readings %s not used: %s", path, error)
        return {}


def texts_to_read(settings) -> list[str]:
    """Every question the calibration asks of the index `settings` describe, as it stands now."""
    from retriever.calibrate import calibration_questions
    from retriever.service import index_sources, load_tuning

    entries, strays = index_sources(settings)
    probes, strays = calibration_questions(
        entries, load_tuning(settings.retriever_config).customer_questions(), strays)
    return sorted({text for text, _ in probes} | set(strays))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retriever.readings", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=Path, required=True)
    args = parser.parse_args(argv)
    from core.config import get_settings

    texts = texts_to_read(get_settings())
    args.texts.parent.mkdir(parents=True, exist_ok=True)
    args.texts.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    print(f"{len(texts)} calibration questions for Rasa to read: {args.texts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
