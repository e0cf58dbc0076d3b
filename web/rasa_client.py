"""The web app's one way to talk to the Rasa server (its REST channel, on 127.0.0.1)."""

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer in time, or answered with a server error."""


class RasaClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
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
