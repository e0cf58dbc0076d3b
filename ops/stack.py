"""Start the assistant's services, wait until each answers its health check, stop them cleanly.

`make run` and `make shell` use it from the command line; the test session uses `Stack` directly so
that every service starts once per session on its own ports.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from core.config import PROJECT_ROOT, Settings, get_settings
from web.admin.models import model_to_serve, publish_readings


def free_port() -> int:
    """A port nothing listens on now (tests and benchmarks start their own services)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServiceFailed(RuntimeError):
    pass


PR_SET_PDEATHSIG = 1


def _stop_with_launcher() -> None:
    """Runs in each child: the kernel sends it SIGTERM if the launcher dies, even by SIGKILL."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Service:
    name: str
    command: list[str]
    health_url: str
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)
    started: float = 0.0

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.started = time.monotonic()
        log = self.log_path.open("ab")
        # A session of its own: Ctrl-C reaches the launcher only, which then stops each
        # service in order instead of all of them dying at once.
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_stop_with_launcher,
        )
        log.close()

    def wait_healthy(self, timeout: float) -> float:
        """Seconds from the process's start until the health check answered 200; raises if the
        process dies or does not answer within `timeout` of this call."""
        waiting = time.monotonic()
        while time.monotonic() - waiting < timeout:
            if self.process is None or self.process.poll() is not None:
                raise ServiceFailed(f"{self.name} exited.\n{self.log_tail()}")
            try:
                if httpx.get(self.health_url, timeout=2).status_code == 200:
                    return time.monotonic() - self.started
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise ServiceFailed(f"{self.name} not healthy after {timeout:.0f} s.\n{self.log_tail()}")

    def stop(self, timeout: float = 20) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def rasa_environment(settings: Settings, tracker_database_url: str | None = None) -> dict[str, str]:
    """What bot/endpoints.yml reads: the action server, and the tracker store at the URL the
    review page reads too (tracker_database_url)."""
    return settings.process_environment(
        ACTION_ENDPOINT_URL=f"{settings.actions_url}/webhook",
        TRACKER_DATABASE_URL=tracker_database_url or settings.tracker_database_url,
    )


class Stack:
    """The Rasa server, the action server and the web app, wired to each other by settings."""

    # Rasa rebuilds its TensorFlow graphs at start: about a minute on this machine.
    # The retriever loads its encoder and encodes the knowledge base at start.
    STARTUP_TIMEOUT = {"bank": 60.0, "retriever": 180.0, "rasa": 300.0, "actions": 60.0,
                       "checker": 120.0, "web": 60.0}

    def __init__(self, settings: Settings, log_dir: Path | None = None) -> None:
        self.settings = settings
        log_dir = log_dir or settings.data_dir / "logs"
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.model = model_to_serve(settings)
        rasa_env = rasa_environment(settings)
        app_env = settings.process_environment(**self._settings_environment())
        self.services = {
            "bank": Service(
                "bank",
                [str(settings.app_python), "-m", "bank.manage", "serve"],
                f"{settings.bank_url}/health",
                app_env,
                log_dir / "bank.log",
            ),
            "actions": Service(
                "actions",
                [str(settings.rasa_python), "-m", "rasa_sdk", "--actions", "actions",
                 "--port", str(settings.actions_port)],
                f"{settings.actions_url}/health",
                # The actions reach the account service with the launcher's settings.
                settings.process_environment(
                    SANIC_HOST=settings.host, **self._settings_environment()
                ),
                log_dir / "actions.log",
            ),
            "rasa": Service(
                "rasa",
                [str(settings.rasa_python), "-m", "bot.server", "run", "--enable-api",
                 "--model", str(self.model),
                 "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml",
                 "--interface", settings.host, "--port", str(settings.rasa_port)],
                f"{settings.rasa_url}/status",
                rasa_env,
                log_dir / "rasa.log",
            ),
            # Rasa's own validation, kept warm for the training-data editor.
            "checker": Service(
                "checker",
                [str(settings.rasa_python), "-m", "bot.checker", "--host", settings.host,
                 "--port", str(settings.checker_port)],
                f"{settings.checker_url}/health",
                settings.process_environment(),
                log_dir / "checker.log",
            ),
            "retriever": Service(
                "retriever",
                [str(settings.app_python), "-m", "uvicorn", "--factory",
                 "retriever.service:create_app", "--host", settings.host,
                 "--port", str(settings.retriever_port)],
                f"{settings.retriever_url}/health",
                app_env,
                log_dir / "retriever.log",
            ),
            "web": Service(
                "web",
                [str(settings.app_python), "-m", "uvicorn", "--factory", "web.main:create_app",
                 "--host", settings.host, "--port", str(settings.web_port)],
                f"{settings.web_url}/health",
                app_env,
                log_dir / "web.log",
            ),
        }
        self.startup_seconds: dict[str, float] = {}

    def _settings_environment(self) -> dict[str, str]:
        """The launcher's own settings, handed to the web app so both agree on every port."""
        fields = ("host", "web_port", "rasa_port", "actions_port", "retriever_port",
                  "retriever_url", "data_dir", "model_path", "retriever_model_dir", "bank_port",
                  "bank_url", "bank_database_url", "bank_service_token", "bank_now",
                  "token_secret", "partner_api_keys", "web_database_url", "rate_limit_messages",
                  "rate_limit_seconds", "checker_port", "training_data_dir", "training_configs",
                  "models_dir", "knowledge_dir", "rasa_readings_path")
        return self.settings.as_environment(fields)

    def start(
        self, names: tuple[str, ...] = ("bank", "retriever", "actions", "checker", "rasa", "web")
    ) -> None:
        # The explicit schema step: migrate each database (and seed the demo bank if it is
        # empty); the services refuse to start on a database that is behind.
        for name, step in (("bank", "bank.manage init"), ("web", "web.manage migrate")):
            if name in names:
                subprocess.run([str(self.settings.app_python), "-m", *step.split()],
                               cwd=PROJECT_ROOT, env=self.services[name].env, check=True,
                               stdout=subprocess.DEVNULL)
        if "retriever" in names:
            # The answer decision is fitted on the readings of the model Rasa will serve.
            publish_readings(self.model, self.settings.rasa_readings_path)
        for name in names:
            self.services[name].start()
        try:
            for name in names:
                self.startup_seconds[name] = self.services[name].wait_healthy(
                    self.STARTUP_TIMEOUT[name]
                )
                if name == "rasa":
                    self._warm_up_rasa()
        except BaseException:
            self.stop()
            raise

    def _warm_up_rasa(self) -> None:
        # jieba loads its dictionary on the first message (about 1.6 s): pay that now.
        httpx.post(f"{self.settings.rasa_url}/model/parse", json={"text": "你好 hello"}, timeout=60)

    def stop(self, names: tuple[str, ...] | None = None) -> None:
        for name in names or ("web", "rasa", "checker", "actions", "retriever", "bank"):
            self.services[name].stop()

    def restart(self, name: str) -> None:
        self.stop((name,))
        self.start((name,))


def run(settings: Settings) -> None:
    stack = Stack(settings)
    stopping = False

    def request_stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    for stop_signal in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(stop_signal, request_stop)
    print("Starting the account service, the knowledge-base retriever, the action server, Rasa's "
          "validation service, the Rasa server (about a minute) and the web app...")
    try:
        stack.start()
    except ServiceFailed as failure:
        print(failure, file=sys.stderr)
        sys.exit(1)
    for name, seconds in stack.startup_seconds.items():
        print(f"  {name:8} ready in {seconds:5.1f} s   log: {stack.services[name].log_path}")
    print(f"\n小安 / An is ready. Chat page: {settings.web_url}/\n"
          f"Staff editor: {settings.web_url}/admin (first admin: .venv-app/bin/python -m "
          "web.manage add-staff NAME --role admin)\nPress Ctrl-C to stop.")
    try:
        while not stopping:
            for service in stack.services.values():
                if service.process and service.process.poll() is not None:
                    print(f"{service.name} stopped unexpectedly:\n{service.log_tail()}")
                    stopping = True
            time.sleep(1)
    finally:
        print("Stopping...")
        stack.stop()
        print("Stopped.")


def shell(settings: Settings) -> None:
    """A terminal chat with the trained model; the action server runs beside it."""
    stack = Stack(settings)
    stack.start(("actions",))
    env = rasa_environment(settings)
    try:
        subprocess.run(
            [str(settings.rasa_python), "-m", "rasa", "shell", "--model", str(settings.model_path),
             "--endpoints", "bot/endpoints.yml"],
            cwd=PROJECT_ROOT, env=env, check=False,
        )
    finally:
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run", "shell"])
    args = parser.parse_args()
    {"run": run, "shell": shell}[args.command](get_settings())


if __name__ == "__main__":
    main()
