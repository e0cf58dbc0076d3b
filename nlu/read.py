"""Read questions with a trained model: the intent Rasa files each under, and its confidence.

    python nlu/read.py --model models/current.tar.gz --texts questions.json \
        --out models/current.readings.json

Runs on the Rasa side after training. The texts are the retriever's calibration questions
(`python -m retriever.readings --texts F` writes them); the answer decision is fitted on these
readings (retriever/readings.py says who uses the file and when).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from nlu.evaluate import local_parser  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--texts", type=Path, required=True, help="a JSON list of questions")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    texts = json.loads(args.texts.read_text(encoding="utf-8"))
    started = time.monotonic()
    parse = local_parser(str(args.model))
    readings = {}
    for text in texts:
        intent = parse(text)["intent"]
        readings[text] = [intent["name"], round(float(intent.get("confidence") or 0.0), 4)]
    scratch = args.out.with_suffix(".tmp")
    scratch.write_text(json.dumps({"model": args.model.name, "readings": readings},
                                  ensure_ascii=False), encoding="utf-8")
    scratch.replace(args.out)
    print(f"{len(readings)} questions read by {args.model.name} in "
          f"{time.monotonic() - started:.0f} s: {args.out}")


if __name__ == "__main__":
    main()
