"""Dependencies the routes ask for: settings and the Rasa client."""

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
from fastapi import Depends

from web.core.config import Settings, get_settings
from web.rasa_client import RasaClient

SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_rasa(settings: SettingsDep) -> AsyncIterator[RasaClient]:
    async with httpx.AsyncClient(
        base_url=settings.rasa_url, timeout=settings.rasa_timeout_seconds
    ) as http:
        yield RasaClient(http)


RasaDep = Annotated[RasaClient, Depends(get_rasa)]
