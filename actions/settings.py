"""The Rasa side's settings: the one place on this side that reads the environment (prefix AN_).

The app side has its own (core/config.py); both read the same AN_BANK_* variables, so the
launcher points both sides at the same account service with one setting.
"""

from datetime import datetime
from functools import lru_cache
from typing import Optional

from pydantic import BaseSettings, Field


class Settings(BaseSettings):
    # The account service (the sandbox in bank/, or a bank's own service with the same API).
    bank_url: str = "http://127.0.0.1:8010"
    # Bearer token every call carries. The default is for development only.
    bank_service_token: str = "sandbox-dev-token"
    # Longest a whole account lookup may take, connection included. It keeps the apology and the
    # offer of a person within the 5 seconds a customer is promised when the service is down.
    bank_timeout_seconds: float = Field(default=3.0, gt=0, le=4.5)
    # The account service's pinned clock (AN_BANK_NOW, tests and demos): when set, "today" for
    # periods such as 上个月 / last month is taken from it, so both sides agree on the date.
    bank_now: Optional[datetime] = None
    # The knowledge-base retriever (retriever/ on the app side) and how long a search may take
    # before the customer is offered a person instead.
    retriever_url: str = "http://127.0.0.1:8020"
    retriever_timeout_seconds: float = Field(default=3.0, gt=0, le=4.5)

    class Config:
        env_prefix = "AN_"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
