"""End-to-end load through the public webhook: `python -m bench.webhook` (on demand, not a test).

Starts every service on free ports with a scratch data folder (the demo bank freshly seeded), then
for each level (1, 8 and 32 customers at once by default) lets that many simulated customers hold
realistic conversations for --seconds: curated FAQ questions, free-form knowledge-base questions,
signed-in balance checks, and a repayment up to its confirmation (cancelled there, so the bank's
figures stay the same whatever the run length). First each customer sends the next message the
moment an answer arrives (a stress test: the machine's capacity), then at --paused levels each
pauses 2-6 s before a message, as people reading and typing do. Reports throughput, p50 / p95 /
p99 latency per kind of turn, errors, each service's memory, and each service's start time, as
JSON.

What limits it: at every level each service's CPU time per turn is read from /proc, and during
the --profile level py-spy samples the Rasa server, the action server and the web app (the
functions holding most of their busy samples are listed).
"""

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

from bench.figures import publish
from core.config import Settings
from ops.stack import Stack, free_port

FAQS = ["活期宝的七日年化是多少", "what's the yield on daily cash", "逾期了罚息怎么算",
        "how much is the penalty interest if I'm late", "你们客服电话多少",
        "can I repay my loan early", "随心借的利率是多少", "how do I buy a fund"]
FREE_FORM = ["存款保险要我自己交钱吗", "手机丢了银行卡怎么办", "is my deposit insured",
             "how do I spot a phishing text"]
BALANCE = ["我的余额是多少", "what's my balance"]
# (kind of turn, message): C001's repayment of its loan L1001 up to the confirmation, declined.
REPAYMENT = [("repay: start", "我要提前还款"), ("repay: amount", "五千"),
             ("repay: decline", "不用了")]
CUSTOMERS = {"C001": "zhangwei-2026", "C002": "lina-2026", "C003": "emily-2026"}


class Customer:
    def __init__(self, client: httpx.AsyncClient, tokens: list[str], results: dict,
                 rng: random.Random, pause: tuple[float, float] | None = None) -> None:
        self.client, self.tokens, self.results = client, tokens, results
        self.rng, self.pause = rng, pause

    async def say(self, kind: str, message: str, sender: str, token: str | None = None) -> list:
        if self.pause:  # reading the last answer and typing the next message
            await asyncio.sleep(self.rng.uniform(*self.pause))
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        begun = time.perf_counter()
        try:
            response = await self.client.post("/webhooks/rest/webhook", headers=headers,
                                              json={"sender": sender, "message": message})
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok, response = False, None
        self.results[kind].append((time.perf_counter() - begun) * 1000 if ok else None)
        return response.json() if ok and response is not None else []

    async def conversation(self) -> None:
        sender, rng = f"bench-{uuid.uuid4().hex}", self.rng
        choice = rng.random()
        if choice < 0.4:
            for message in rng.sample(FAQS, 2):
                await self.say("faq", message, sender)
        elif choice < 0.65:
            await self.say("free-form", rng.choice(FREE_FORM), sender)
        elif choice < 0.9:
            await self.say("balance", rng.choice(BALANCE), sender, rng.choice(self.tokens))
        else:
            for kind, message in REPAYMENT:
                await self.say(kind, message, sender, self.tokens[0])


async def level(settings: Settings, tokens: list[str], customers: int, seconds: float,
                pause: tuple[float, float] | None = None) -> dict:
    results: dict[str, list] = defaultdict(list)
    limits = httpx.Limits(max_connections=customers + 4)
    async with httpx.AsyncClient(base_url=settings.web_url, timeout=60, limits=limits) as client:
        deadline = time.monotonic() + seconds

        async def run(number: int) -> None:
            customer = Customer(client, tokens, results, random.Random(number), pause)
            while time.monotonic() < deadline:
                await customer.conversation()

        begun = time.monotonic()
        await asyncio.gather(*(run(n) for n in range(customers)))
        elapsed = time.monotonic() - begun
    turns = sum(len(v) for v in results.values())
    return {"customers": customers, "pause_seconds": pause, "seconds": round(elapsed, 1),
            "turns": turns, "turns_per_second": round(turns / elapsed, 2),
            "errors": sum(v is None for values in results.values() for v in values),
            "all": percentiles([v for values in results.values() for v in values]),
            "by_kind": {kind: percentiles(values) for kind, values in sorted(results.items())}}


def percentiles(values: list) -> dict:
    done = sorted(v for v in values if v is not None)
    if len(done) < 2:
        return {"turns": len(values)}
    cut = statistics.quantiles(done, n=100)
    return {"turns": len(values), "p50_ms": round(statistics.median(done), 1),
            "p95_ms": round(cut[94], 1), "p99_ms": round(cut[98], 1)}


def process_tree(pid: int) -> list[int]:
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    return pids


def memory_mb(pid: int) -> float:
    """Resident memory of a service's process and its children, from /proc."""
    total = 0
    for each in process_tree(pid):
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return round(total / 1024, 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a service's process and its children so far."""
    ticks = 0
    for each in process_tree(pid):
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def running(stack: Stack) -> dict[str, int]:
    return {name: service.process.pid for name, service in stack.services.items()
            if service.process and service.process.poll() is None}


PROFILED = ("rasa", "actions", "web")


def start_profiles(pids: dict[str, int], seconds: float, folder: Path) -> list:
    """py-spy sampling each profiled service (50 Hz, without pausing it) for `seconds`."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return [(name, folder / f"{name}.txt", subprocess.Popen(
        [spy, "record", "--pid", str(pids[name]), "--duration", str(int(seconds)), "--rate", "50",
         "--nonblocking", "--format", "raw", "--output", str(folder / f"{name}.txt")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)) for name in PROFILED]


def _frame(frame: str) -> tuple[str, str]:
    """("function (file)", top-level package) of a py-spy frame "function (file:line)"."""
    name, _, where = frame.rpartition(" (")
    file = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({file})", file.split("/", 1)[0] if "/" in file else file


# Innermost frames that mean "waiting for work": sanic's servers wait inside uvloop's C code,
# which py-spy cannot tell from running, so it reports serve() as busy.
WAITING = {"serve (sanic/server/runners.py)", "select (selectors.py)"}


def busiest_functions(raw: Path, top: int = 10) -> dict:
    """From py-spy's collapsed stacks (busy samples only): the share of samples by the package
    that was running (the innermost frame), the innermost functions, and the project's and
    Rasa's own functions the samples were inside (inclusive; the dispatch chain present in over
    80% of samples is left out), the largest first."""
    by_package: dict[str, int] = defaultdict(int)
    innermost: dict[str, int] = defaultdict(int)
    inside: dict[str, int] = defaultdict(int)
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or not stack:
            continue
        frames = [_frame(frame) for frame in stack.split(";")]
        if frames[-1][0] in WAITING:
            continue
        total += int(count)
        by_package[frames[-1][1]] += int(count)
        innermost[frames[-1][0]] += int(count)
        for function in {name for name, package in frames
                         if package in ("rasa", "rasa_sdk", "actions", "web", "retriever")}:
            inside[function] += int(count)

    def largest(counts: dict[str, int], cap: float = 1.0) -> dict[str, float]:
        ranked = [(name, n) for name, n in sorted(counts.items(), key=lambda item: -item[1])
                  if n <= cap * total]
        return {name: round(n / total, 3) for name, n in ranked[:top]}

    if not total:
        return {"samples": 0}
    return {"samples": total, "by_package": largest(by_package),
            "innermost": largest(innermost), "inside": largest(inside, cap=0.8)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webhook", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, nargs="+", default=[1, 8, 32],
                        help="levels where each customer sends at once after each answer")
    parser.add_argument("--paused", type=int, nargs="*", default=[8, 32],
                        help="levels where customers pause as people do between messages")
    parser.add_argument("--pause", type=float, nargs=2, default=[2.0, 6.0],
                        metavar=("MIN", "MAX"), help="seconds of such a pause (uniform)")
    parser.add_argument("--seconds", type=float, default=60, help="per level")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--profile", type=int, default=8,
                        help="sample the services with py-spy at this level (0: never)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(data_dir=Path(scratch), web_port=free_port(), rasa_port=free_port(),
                            actions_port=free_port(), bank_port=free_port(),
                            retriever_port=free_port(), checker_port=free_port(),
                            rate_limit_messages=100_000)
        stack = Stack(settings, log_dir=Path(scratch) / "logs")
        began = time.monotonic()
        stack.start(("bank", "retriever", "actions", "rasa", "web"))
        figures: dict[str, Any] = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                       f"Python {platform.python_version()}",
            "data": "the demo bank, the project's knowledge base and model (models/current)",
            "start_seconds": {n: round(s, 1) for n, s in stack.startup_seconds.items()},
            "stack_ready_seconds": round(time.monotonic() - began, 1),
        }
        try:
            tokens = [httpx.post(f"{settings.web_url}/auth/token", json={
                "customer_id": c, "password": p}).json()["access_token"]
                for c, p in CUSTOMERS.items()]
            asyncio.run(level(settings, tokens, 2, 10))  # warm-up
            figures["levels"] = []
            for customers in args.customers:
                pids = running(stack)
                profiles = start_profiles(pids, args.seconds - 5, Path(scratch)) if (
                    customers == args.profile) else []
                cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
                result = asyncio.run(level(settings, tokens, customers, args.seconds))
                # CPU per turn, per service: what bounds throughput on this machine's cores.
                result["cpu_ms_per_turn"] = {
                    name: round((cpu_seconds(pid) - cpu_before[name]) * 1000 / result["turns"], 1)
                    for name, pid in pids.items()} if result["turns"] else {}
                for name, path, spy in profiles:
                    spy.wait(60)
                    if path.exists():
                        result.setdefault("profile", {})[name] = busiest_functions(path)
                figures["levels"].append(result)
                print(json.dumps(result["all"] | {"customers": customers}), file=sys.stderr)
            figures["paused_levels"] = []
            for customers in args.paused:
                figures["paused_levels"].append(asyncio.run(level(
                    settings, tokens, customers, args.seconds, tuple(args.pause))))
                print(json.dumps(figures["paused_levels"][-1]["all"] | {
                    "customers": customers, "paused": True}), file=sys.stderr)
            figures["memory_mb"] = {name: memory_mb(pid) for name, pid in running(stack).items()}
        finally:
            stack.stop()
    publish(figures, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
