"""Retriever speed on a large knowledge base: `python -m bench.retriever` (on demand, not a test).

The project's knowledge base is padded to --entries with entries made of public banking and
general questions read from ../shared/datasets (BANKING77, then CLINC150; three questions of one
intent per entry; used in place, never copied into the project). Prints the machine, the index
build time, the service's memory, and the latency of single queries through the HTTP service
(p50 / p95 over the held-out questions), with the configured encoder and threads.
"""

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from bench.figures import publish
from core import knowledge_base as kb
from core.config import PROJECT_ROOT, get_settings
from retriever.evaluate import load_queries, query_files

DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"


def public_questions(folder: Path = DATASETS) -> dict[str, list[str]]:
    """Questions by intent: BANKING77 (train and test), then CLINC150 (every split)."""
    by_category = defaultdict(list)
    for split in ("train.csv", "test.csv"):
        with (folder / "banking77" / split).open(encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                by_category[f"banking77-{row['category']}"].append(row["text"].strip())
    clinc = json.loads((folder / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    for split in clinc.values():
        for text, intent in split:
            by_category[f"clinc150-{intent}"].append(text.strip())
    return by_category


def padding(count: int, folder: Path = DATASETS) -> list[kb.Entry]:
    groups = [(category, texts[start:start + 3])
              for category, texts in sorted(public_questions(folder).items())
              for start in range(0, len(texts) - 2, 3)]
    if len(groups) < count:
        raise SystemExit(f"only {len(groups)} padding entries can be made from {folder}")
    return [kb.Entry(id=f"bench-{category}-{number}", category="bench", source="BANKING77",
                     sides={"en": kb.Side(question=texts[0], answer=f"About {category}.",
                                          paraphrases=texts[1:])})
            for number, (category, texts) in enumerate(groups[:count])]


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m bench.retriever", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--threads", type=int, default=settings.retriever_threads)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    entries = kb.load(settings.knowledge_dir)
    entries += padding(max(0, args.entries - len(entries)))
    queries = [q.question for path in query_files([PROJECT_ROOT / "retriever" / "heldout"])
               for q in load_queries(path)]
    with tempfile.TemporaryDirectory() as scratch:
        knowledge = Path(scratch) / "knowledge"
        knowledge.mkdir()
        kb.save_file(knowledge / "bench.yml", entries)
        env = settings.process_environment(
            AN_KNOWLEDGE_DIR=str(knowledge), AN_CACHE_DIR=str(Path(scratch) / "cache"),
            AN_RETRIEVER_THREADS=str(args.threads), AN_RETRIEVER_PORT=str(args.port))
        started = time.monotonic()
        service = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "retriever.service:create_app",
             "--host", "127.0.0.1", "--port", str(args.port), "--log-level", "warning"],
            cwd=PROJECT_ROOT, env=env)
        url = f"http://127.0.0.1:{args.port}"
        try:
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if service.poll() is not None or time.monotonic() - started > 3600:
                    raise SystemExit("the retriever did not start")
                time.sleep(0.2)
            build = time.monotonic() - started
            latencies = []
            with httpx.Client(base_url=url, timeout=10) as client:
                for query in queries[:20]:  # warm-up
                    client.post("/search", json={"query": query})
                for query in queries:
                    begun = time.perf_counter()
                    client.post("/search", json={"query": query}).raise_for_status()
                    latencies.append((time.perf_counter() - begun) * 1000)
            memory = resident_mb(service.pid)
        finally:
            service.terminate()
            service.wait(timeout=30)
    cut = statistics.quantiles(latencies, n=20)
    figures = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "entries": len(entries),
        "texts": sum(len(side.texts()) for entry in entries for side in entry.sides.values()),
        "threads": args.threads,
        "start_and_index_build_s": round(build, 1),
        "service_memory_mb": round(memory),
        "queries": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(cut[18], 1),
    }
    publish(figures, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
