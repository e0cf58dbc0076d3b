"""One long-lived httpx client per called service and process: connections are kept and TLS is
set up once, not per action call. Each action server runs one event loop; a client belongs to the
loop it was made in, so another loop (tests run several) gets its own."""

import asyncio
import ssl
from typing import Any, Optional

import certifi
import httpx


class SharedClient:
    def __init__(self, **options: Any) -> None:
        self._options = options
        self._client: Optional[httpx.AsyncClient] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def get(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = httpx.AsyncClient(
                verify=ssl.create_default_context(cafile=certifi.where()), **self._options)
            self._loop = loop
        return self._client
