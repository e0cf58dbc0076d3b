"""The real sandbox account service, for tests of the HTTP client and the actions against it
(test_bank_client.py)."""

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from actions.settings import Settings
from tests.rasa.actions.fakes import free_port

ROOT = Path(__file__).resolve().parents[3]

APP_PYTHON = ROOT / ".venv-app" / "bin" / "python"
SANDBOX_TOKEN = "integration-test-token"


@pytest.fixture(scope="module")
def sandbox_bank(tmp_path_factory):
    """`python -m bank.manage init` and `serve` on a free port, clock at 2026-11-26 10:00."""
    data_dir = tmp_path_factory.mktemp("bank")
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("AN_")}
    env.update(AN_BANK_PORT=str(port), AN_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT),
               AN_BANK_NOW="2026-11-26T10:00:00", AN_BANK_SERVICE_TOKEN=SANDBOX_TOKEN,
               AN_HOST="127.0.0.1")
    subprocess.run([str(APP_PYTHON), "-m", "bank.manage", "init"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)
    log_path = data_dir / "bank.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen([str(APP_PYTHON), "-m", "bank.manage", "serve"], cwd=ROOT,
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"the bank stopped: {log_path.read_text()}"
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"no /health in 60 s: {log_path.read_text()}"
            time.sleep(0.2)
        yield Settings(bank_url=url, bank_service_token=SANDBOX_TOKEN)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
