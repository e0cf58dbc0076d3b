"""How the benchmarks hand over their figures: printed, and written as JSON for the report."""

import json
from pathlib import Path


def publish(figures: dict, path: Path | None) -> None:
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(text)
