"""The web app's one way to talk to the Rasa server (its REST channel, on 127.0.0.1)."""

import asyncio
import threading
import time
from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer in time, or answered with a server error."""


class ModelSwap:
    """While Rasa loads a model through PUT /model it answers nobody (about 50 s on this
    machine): customers' messages wait here for the swap instead of timing out, and the new model
    answers them. One web process starts every deploy, so this flag is enough."""

    def __init__(self) -> None:
        self._loading = 0
        self._lock = threading.Lock()

    def __enter__(self) -> "ModelSwap":
        with self._lock:
            self._loading += 1
        return self

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._loading -= 1

    @property
    def in_progress(self) -> bool:
        return self._loading > 0

    async def wait(self, limit: float) -> None:
        deadline = time.monotonic() + limit
        while self._loading and time.monotonic() < deadline:
            await asyncio.sleep(0.1)


MODEL_SWAP = ModelSwap()


class RasaClient:
    def __init__(self, http: httpx.AsyncClient, swap_wait_seconds: float = 180) -> None:
        self._http = http
        self._swap_wait = swap_wait_seconds

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        await MODEL_SWAP.wait(self._swap_wait)
        body = {"sender": sender, "message": message, "metadata": metadata or {}}
        try:
            response = await self._http.post("/webhooks/rest/webhook", json=body)
        except httpx.HTTPError as error:
            raise RasaUnavailable(str(error)) from error
        if response.status_code >= 500:
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        response.raise_for_status()
        return response.json()

    async def is_ready(self) -> bool:
        try:
            return (await self._http.get("/status")).status_code == 200
        except httpx.HTTPError:
            return False

    async def load_model(self, model_file: str, timeout: float = 600) -> None:
        """Rasa's PUT /model: the new model replaces the current one only once it has loaded;
        on failure (raised with Rasa's reason) the current one keeps serving."""
        with MODEL_SWAP:
            try:
                response = await self._http.put("/model", json={"model_file": model_file},
                                                timeout=timeout)
            except httpx.HTTPError as error:
                raise RasaUnavailable(str(error)) from error
        if response.status_code != 204:
            try:
                reason = response.json().get("message") or response.text
            except ValueError:
                reason = response.text
            raise RasaUnavailable(f"Rasa did not load the model: {reason}")

    async def live_model(self) -> str | None:
        """The file name of the model Rasa is serving now."""
        try:
            return (await self._http.get("/status")).json().get("model_file")
        except (httpx.HTTPError, ValueError):
            return None
