"""Webhook latency, sequential requests: `python -m web.bench` (on demand, not a test).

Starts every service on free ports with a scratch data folder (the demo bank freshly seeded),
signs in as C001, then sends FAQ questions and balance queries one after another through the
public webhook, and prints the median and p95 per kind of message with the machine it ran on.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from ops.stack import Stack, free_port
from web.core.config import Settings

FAQS = ["活期宝的七日年化是多少", "what's the yield on daily cash", "逾期了罚息怎么算",
        "how much is the penalty interest if I'm late", "你们客服电话多少",
        "can I repay my loan early"]
BALANCE = ["我的余额是多少", "what's my balance"]


def timed(client: httpx.Client, headers: dict, messages: list[str], rounds: int) -> list[float]:
    latencies = []
    for number in range(rounds):
        message = messages[number % len(messages)]
        body = {"sender": f"bench-{uuid.uuid4().hex}", "message": message}
        begun = time.perf_counter()
        client.post("/webhooks/rest/webhook", headers=headers, json=body).raise_for_status()
        latencies.append((time.perf_counter() - begun) * 1000)
    return latencies


def summary(latencies: list[float]) -> dict:
    return {"requests": len(latencies), "median_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(statistics.quantiles(latencies, n=20)[18], 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=60, help="requests per kind of message")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(data_dir=Path(scratch), web_port=free_port(), rasa_port=free_port(),
                            actions_port=free_port(), bank_port=free_port(),
                            retriever_port=free_port(), rate_limit_messages=10_000)
        stack = Stack(settings, log_dir=Path(scratch) / "logs")
        stack.start()
        try:
            with httpx.Client(base_url=settings.web_url, timeout=30) as client:
                signed = client.post("/auth/token", json={"customer_id": "C001",
                                                          "password": "zhangwei-2026"})
                customer = {"Authorization": f"Bearer {signed.json()['access_token']}"}
                timed(client, customer, FAQS + BALANCE, 8)  # warm-up
                figures = {
                    "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                               f"Python {platform.python_version()}",
                    "faq": summary(timed(client, {}, FAQS, args.rounds)),
                    "balance": summary(timed(client, customer, BALANCE, args.rounds)),
                }
        finally:
            stack.stop()
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
