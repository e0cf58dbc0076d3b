"""Money-moving calls: the same Idempotency-Key twice returns the first result and moves money
once, also when both requests arrive at the same moment on a real server."""

import socket
import threading
import time

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.models import IdempotentRequest, Order, Repayment

BUY = {"side": "buy", "product_code": "WM001", "amount": "1000.00"}
MONEY_MOVES = [
    ("/orders", BUY),
    ("/orders", {"side": "redeem", "product_code": "WM001", "amount": "1000.00"}),
    ("/loans/L1001/repayments", {"amount": "1000.00"}),
    ("/loans", {"amount": "1000.00", "term_months": 3}),
    ("/cards/DC001/freeze", {"reason": "lost"}),
]


def count(bank_db, model) -> int:
    with Session(bank_db) as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("path", "body"), MONEY_MOVES)
def test_money_moving_calls_need_a_key(api, path, body):
    response = api.client.post(f"/customers/C001{path}", json=body, headers=api.headers("C001"))
    api.refused(response, 400, "idempotency_key_missing")
    assert api.balance("C001") == "52380.25"


@pytest.mark.parametrize(("path", "body"), MONEY_MOVES)
def test_the_same_key_twice_returns_the_first_result_and_moves_money_once(api, path, body):
    first = api.post("C001", path, body, key="same-key")
    assert first.status_code in (200, 201), first.text
    balance = api.balance("C001")
    transactions = len(api.get("C001", "/transactions").json()["transactions"])
    second = api.post("C001", path, body, key="same-key")
    assert (second.status_code, second.json()) == (first.status_code, first.json())
    assert api.balance("C001") == balance
    assert len(api.get("C001", "/transactions").json()["transactions"]) == transactions


def test_a_key_reused_for_a_different_request_is_409(api):
    assert api.post("C001", "/orders", BUY, key="k").status_code == 201
    other = BUY | {"amount": "2000.00"}
    api.refused(api.post("C001", "/orders", other, key="k"), 409, "idempotency_key_reused")
    assert api.balance("C001") == "51380.25"


def test_keys_belong_to_one_customer(api):
    assert api.post("C001", "/orders", BUY, key="k").status_code == 201
    assert api.post("C003", "/orders", BUY, key="k").json()["balance"] == "249000.00"


def test_a_refused_request_moves_nothing_and_can_be_retried_with_its_key(api):
    big = {"side": "buy", "product_code": "WM001", "amount": "60000.00"}
    api.refused(api.post("C001", "/orders", big, key="retry"), 422, "above_balance")
    assert api.post("C001", "/loans", {"amount": "10000.00", "term_months": 3}).status_code == 201
    assert api.post("C001", "/orders", big, key="retry").status_code == 201
    assert api.balance("C001") == "2380.25"


def test_the_database_holds_one_row_per_customer_and_key(api, bank_db):
    with Session(bank_db) as session:
        session.add_all([IdempotentRequest(customer_id="C001", key="k", fingerprint="a"),
                         IdempotentRequest(customer_id="C001", key="k", fingerprint="a")])
        with pytest.raises(IntegrityError):
            session.commit()


@pytest.fixture
def server(bank_app, api):
    """The app (with the test's settings and clock) on a real uvicorn server in a thread."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(bank_app, host="127.0.0.1", port=port,
                                            log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


def at_once(url: str, requests: list[tuple[str, dict, dict]]) -> list[httpx.Response]:
    """Send the requests from separate threads released together."""
    start, responses = threading.Barrier(len(requests)), [None] * len(requests)

    def send(index: int, path: str, body: dict, headers: dict) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            start.wait()
            responses[index] = client.post(path, json=body, headers=headers)

    threads = [threading.Thread(target=send, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.parametrize("round_", range(3))
def test_two_concurrent_identical_buys_move_money_once(api, server, bank_db, round_):
    key = f"concurrent-buy-{round_}"
    twins = [("/customers/C001/orders", BUY, api.headers("C001", key))] * 2
    first, second = at_once(server, twins)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json() == second.json()
    assert api.balance("C001") == "51380.25"
    assert count(bank_db, Order) == 1


def test_two_concurrent_identical_repayments_move_money_once(api, server, bank_db):
    body = {"amount": "887.99"}
    twins = [("/customers/C002/loans/L2001/repayments", body, api.headers("C002", "r1"))] * 2
    first, second = at_once(server, twins)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json() == second.json()
    assert api.balance("C002") == "2322.51"
    assert count(bank_db, Repayment) == 5 + 5 + 1  # the seeded ten, and this one


def test_concurrent_different_buys_cannot_overdraw(api, server):
    big = BUY | {"amount": "30000.00"}
    results = at_once(server, [("/customers/C001/orders", big, api.headers("C001", "a")),
                               ("/customers/C001/orders", big, api.headers("C001", "b"))])
    assert sorted(r.status_code for r in results) == [201, 422]
    assert api.balance("C001") == "22380.25"
