"""The whole assistant scored as customers meet it: `python -m e2e.evaluate` (`make eval-e2e`).

Every held-out message (e2e/cases.py) goes through the public webhook of a running stack, each in
a conversation of its own, anonymous or with a demo customer's token, and its reply is scored:

- right: the reply carries the expected answer (FAQ and knowledge-base questions), or the
  expected action ran and showed the expected figure (account requests, small talk);
- suggestion: "did you mean" buttons, the customer picks (or asks for a person);
- declined: "I can't answer that" / out of scope / the offer of a person;
- wrong: anything else, above all an answer given confidently to another question.

Which actions ran and which responses were said are read from Rasa's tracker; the answers are
read from the webhook's reply. Without --web-url the stack is started on free ports with a
scratch data folder. Prints a table per language and kind, writes JSON (--json), and with
--check exits 1 when a target is missed.
"""

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from core.config import PROJECT_ROOT, Settings
from e2e.cases import KINDS, Case, load_cases

OUTCOMES = ("right", "wrong", "suggestion", "declined")
# Said when the assistant has no answer: none of them states a fact.
DECLINE_RESPONSES = {"utter_kb_dont_know", "utter_out_of_scope", "utter_request_human",
                     "utter_default", "utter_ask_rephrase"}
DECLINE_ACTIONS = {"action_request_human", "action_default_fallback"}
NOT_SUGGESTIONS = {"/request_human", "/deny", "/affirm"}
PASSWORDS = {"C001": "zhangwei-2026", "C002": "lina-2026", "C003": "emily-2026"}
# Each language's targets (issue 14): share of that language's messages of the kind.
TARGETS = [
    ("all", "wrong", "<=", 0.03),
    ("knowledge", "right", ">=", 0.85),
    ("faq", "right", ">=", 0.95),
    ("account", "right", ">=", 0.97),
    ("account_visitor", "right", ">=", 0.97),
    ("unanswerable", "wrong", "<=", 0.02),
]
# What make test holds the whole to (each language), so that no change makes it worse unseen:
# the figures measured when the decision landed, less a little for run-to-run spread. The
# targets above are where it must get to; where a floor is below its target, the target is
# still open (README).
FLOORS = [  # measured at landing (issue 14) and again on 2026-12-04 with a model trained anew
    # (zh / en): wrong 2.9 / 2.4 and 2.9 / 2.1 %, knowledge right 30.5 / 48.9 and 31.7 / 47.3 %,
    # declined 28.2 / 18.3 (suggestion bar at 10 % of strays) and 10.8 / 8.4 % (at 20 %), FAQ
    # right 85.6 / 85.7 and 87.6 / 85.7 %, account right 93.9 / 93.3 both times, unanswerable
    # wrong 6.5 / 4.0 and 8.9 / 4.0 % (training alone moves it by 3 of 123 questions); with the
    # customers' calibration questions and DIET at 50 epochs (2026-12-04): knowledge right
    # 41.7 / 55.7 %, FAQ right 88.8 / 87.9 %, unanswerable wrong 9.8 / 5.7 %; with the entries for
    # services the bank does not offer (2026-12-04, the encoder fine-tuned anew): knowledge right
    # 48.6 / 54.2 %, FAQ right 86.2 / 85.5 % (more "did you mean"), unanswerable wrong 8.1 / 7.3 %;
    # with the fitted decision weighing Rasa's reading (2026-12-05): knowledge right 54.8 / 66.4 %,
    # FAQ right 88.2 / 86.7 %, all wrong 2.8 / 3.0 %, unanswerable wrong 7.3 / 7.3 %
    ("all", "wrong", "<=", 0.035),
    ("knowledge", "right", ">=", 0.50),
    ("knowledge", "declined", "<=", 0.15),
    ("faq", "right", ">=", 0.84),
    ("account", "right", ">=", 0.90),
    ("account_visitor", "right", ">=", 0.90),
    ("unanswerable", "wrong", "<=", 0.11),
]
_SPACE = re.compile(r"\s+")


def normal(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


class Turn:
    """One reply: its texts and buttons (webhook), the actions that ran and the responses said
    (tracker)."""

    def __init__(self, replies: list[dict[str, Any]], events: list[dict[str, Any]]) -> None:
        self.text = normal(" ".join(str(reply.get("text") or "") for reply in replies))
        self.buttons = [button for reply in replies for button in reply.get("buttons") or []]
        last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
        latest = events[last_user + 1:]
        self.actions = [e.get("name") for e in latest if e.get("event") == "action"]
        self.said = [(e.get("metadata") or {}).get("utter_action") for e in latest
                     if e.get("event") == "bot"]

    def declined(self) -> bool:
        return bool(DECLINE_RESPONSES & set(self.said) or DECLINE_ACTIONS & set(self.actions))

    def suggested(self) -> bool:
        return any(str(b.get("payload")) not in NOT_SUGGESTIONS for b in self.buttons)

    def offers(self, case: Case) -> bool:
        """Whether a "did you mean" button names what was expected (an entry or topic id)."""
        wanted = {case.expected, *case.also}
        return any(f'"{name}"' in str(b.get("payload")) for b in self.buttons for name in wanted)


def score(case: Case, turn: Turn) -> str:
    if case.answers:
        if any(normal(answer) and normal(answer) in turn.text for answer in case.answers):
            return "right"
    elif case.action and case.action in turn.actions and (
            not case.figure or case.figure in turn.text):
        return "right"
    if turn.declined():
        return "declined"
    if turn.suggested():
        return "suggestion"
    return "wrong"


class Runner:
    def __init__(self, web_url: str, rasa_url: str, concurrency: int = 4) -> None:
        self.web = httpx.AsyncClient(base_url=web_url, timeout=60)
        self.rasa = httpx.AsyncClient(base_url=rasa_url, timeout=60)
        self.tokens: dict[str, str] = {}
        self.limit = asyncio.Semaphore(concurrency)
        self.run_id = uuid.uuid4().hex[:8]

    async def sign_in(self, customer: str) -> None:
        response = await self.web.post("/auth/token", json={
            "customer_id": customer, "password": PASSWORDS[customer]})
        response.raise_for_status()
        self.tokens[customer] = response.json()["access_token"]

    async def one(self, number: int, case: Case) -> dict[str, Any]:
        sender = f"e2e-{self.run_id}-{number}"
        headers = {}
        if case.customer:
            headers["Authorization"] = f"Bearer {self.tokens[case.customer]}"
        async with self.limit:
            began = time.monotonic()
            response = await self.web.post("/webhooks/rest/webhook", headers=headers,
                                           json={"sender": sender, "message": case.text})
            seconds = time.monotonic() - began
            if response.status_code != 200:
                raise RuntimeError(f"{case.text!r}: {response.status_code} {response.text}")
            if case.customer and response.headers.get("X-Renewed-Token"):
                self.tokens[case.customer] = response.headers["X-Renewed-Token"]
            tracker = await self.rasa.get(f"/conversations/{sender}/tracker")
            tracker.raise_for_status()
        turn = Turn(response.json(), tracker.json().get("events") or [])
        outcome = score(case, turn)
        return {"kind": case.kind, "language": case.language, "text": case.text,
                "expected": case.expected, "outcome": outcome, "reply": turn.text[:300],
                "offered_expected": outcome == "suggestion" and turn.offers(case),
                "actions": turn.actions, "seconds": round(seconds, 3)}

    async def run(self, cases: list[Case]) -> list[dict[str, Any]]:
        for customer in sorted({case.customer for case in cases if case.customer}):
            await self.sign_in(customer)
        try:
            return list(await asyncio.gather(*(self.one(n, c) for n, c in enumerate(cases))))
        finally:
            await self.web.aclose()
            await self.rasa.aclose()


def summarise(results: list[dict[str, Any]], examples: int = 15) -> dict[str, Any]:
    counts: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for result in results:
        for kind in (result["kind"], "all"):
            counts[result["language"]][kind][result["outcome"]] += 1
            counts[result["language"]][kind]["offered_expected"] += result["offered_expected"]
    table: dict[str, dict[str, dict[str, Any]]] = {}
    for language in sorted(counts, key=lambda lang: lang != "zh"):
        table[language] = {}
        for kind in (*KINDS, "all"):
            found = counts[language].get(kind)
            if not found:
                continue
            total = sum(found[o] for o in OUTCOMES)
            table[language][kind] = {"n": total, **{o: round(found[o] / total, 4)
                                                    for o in OUTCOMES},
                                     # suggestions whose buttons include the expected answer
                                     "suggestion_with_expected": round(
                                         found["offered_expected"] / total, 4)}
    def verdicts(bars: list) -> list[dict[str, Any]]:
        found = []
        for kind, outcome, sense, target in bars:
            for language in table:
                if kind not in table[language]:
                    continue
                value = table[language][kind][outcome]
                met = value <= target if sense == "<=" else value >= target
                found.append({"language": language, "kind": kind, "outcome": outcome,
                              "target": f"{sense} {target}", "measured": value, "met": met})
        return found

    mistakes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        if result["outcome"] == "wrong" and len(mistakes[result["kind"]]) < examples:
            mistakes[result["kind"]].append({k: result[k] for k in
                                             ("language", "text", "expected", "reply", "actions")})
    latencies = sorted(r["seconds"] for r in results)
    return {"table": table, "targets": verdicts(TARGETS), "floors": verdicts(FLOORS),
            "wrong_examples": mistakes,
            "messages": len(results),
            "latency_seconds": {"p50": latencies[len(latencies) // 2],
                                "p95": latencies[int(len(latencies) * 0.95)]} if latencies else {}}


def markdown(summary: dict[str, Any]) -> str:
    lines = ["| language | kind | n | right | wrong | suggestion | declined |",
             "|---|---|---|---|---|---|---|"]
    for language, kinds in summary["table"].items():
        for kind, row in kinds.items():
            lines.append(f"| {language} | {kind} | {row['n']} | " + " | ".join(
                f"{100 * row[o]:.1f}%" for o in OUTCOMES) + " |")
    lines += ["", "| target | language | measured | |", "|---|---|---|---|"]
    for v in summary["targets"]:
        lines.append(f"| {v['kind']} {v['outcome']} {v['target']} | {v['language']} | "
                     f"{100 * v['measured']:.1f}% | {'met' if v['met'] else 'MISSED'} |")
    return "\n".join(lines)


def evaluate(web_url: str, rasa_url: str, kinds: list[str] | None = None,
             concurrency: int = 4) -> dict[str, Any]:
    cases = [case for case in load_cases() if not kinds or case.kind in kinds]
    began = time.monotonic()
    results = asyncio.run(Runner(web_url, rasa_url, concurrency).run(cases))
    summary = summarise(results)
    summary["seconds"] = round(time.monotonic() - began, 1)
    summary["results"] = results
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m e2e.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--web-url", help="a running stack's web app (default: start one)")
    parser.add_argument("--rasa-url", help="its Rasa server, for the tracker")
    parser.add_argument("--kinds", nargs="+", choices=KINDS)
    parser.add_argument("--json", type=Path, default=PROJECT_ROOT / "reports" / "e2e.json")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target (issue 14's) is missed")
    args = parser.parse_args(argv)
    if args.web_url:
        summary = evaluate(args.web_url, args.rasa_url or "http://127.0.0.1:5005", args.kinds)
    else:
        from ops.stack import Stack, free_port

        with tempfile.TemporaryDirectory() as scratch:
            settings = Settings(data_dir=Path(scratch), web_port=free_port(),
                                rasa_port=free_port(), actions_port=free_port(),
                                bank_port=free_port(), retriever_port=free_port(),
                                checker_port=free_port(), bank_now=datetime(2026, 11, 26, 10, 0))
            stack = Stack(settings, log_dir=Path(scratch) / "logs")
            stack.start(("bank", "retriever", "actions", "rasa", "web"))
            try:
                summary = evaluate(settings.web_url, settings.rasa_url, args.kinds)
            finally:
                stack.stop()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    print(markdown(summary))
    print(f"{summary['messages']} messages in {summary['seconds']} s; details in {args.json}")
    return 1 if args.check and not all(v["met"] for v in summary["targets"]) else 0


if __name__ == "__main__":
    sys.exit(main())
