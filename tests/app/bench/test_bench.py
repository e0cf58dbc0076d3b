"""The end-to-end benchmark's own arithmetic: percentiles, CPU time, and reading py-spy's stacks."""

import os

from bench.webhook import busiest_functions, cpu_seconds, percentiles

RAW = """\
_run_once (asyncio/events.py:84);handle (rasa/core/agent.py:120);predict (tensorflow/eager.py:10) 5
_run_once (asyncio/events.py:84);handle (rasa/core/agent.py:121);retrieve (sqlalchemy/orm.py:5) 3
_run_once (asyncio/events.py:84);send (web/client.py:9);write (asyncio/selector_events.py:5) 2
main (rasa/__main__.py:9);serve (sanic/server/runners.py:200) 7
_run_once (asyncio/events.py:84);select (selectors.py:468) 1
"""


def test_percentiles_ignore_failed_turns_but_count_them():
    figures = percentiles([float(n) for n in range(1, 101)] + [None])
    assert figures["turns"] == 101
    assert figures["p50_ms"] == 50.5
    assert 95 <= figures["p95_ms"] <= 96 and 99 <= figures["p99_ms"] <= 100
    assert percentiles([None]) == {"turns": 1}


def test_cpu_seconds_of_this_process_grow_with_work():
    before = cpu_seconds(os.getpid())
    sum(n * n for n in range(3_000_000))
    assert cpu_seconds(os.getpid()) > before


def test_profile_shares_by_package_innermost_function_and_project_function(tmp_path):
    raw = tmp_path / "rasa.txt"
    raw.write_text(RAW)
    profile = busiest_functions(raw)
    assert profile["samples"] == 10  # waiting in sanic's or asyncio's loop is not busy
    assert profile["by_package"] == {"tensorflow": 0.5, "sqlalchemy": 0.3, "asyncio": 0.2}
    assert profile["innermost"]["predict (tensorflow/eager.py)"] == 0.5
    # Lines of one function count as that function: handle() held 8 of 10 samples.
    assert profile["inside"] == {"handle (rasa/core/agent.py)": 0.8, "send (web/client.py)": 0.2}
    # A function in over 80% of busy samples is the server's dispatch chain: left out.
    raw.write_text("run (rasa/api.py:1);handle (rasa/core/agent.py:1);f (x/y.py:1) 9\n"
                   "run (rasa/api.py:1);g (x/y.py:2) 1\n")
    assert busiest_functions(raw)["inside"] == {}
    raw.write_text("")
    assert busiest_functions(raw) == {"samples": 0}
