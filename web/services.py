"""What the web app's routes work with, built once when the app starts (web/main.py's lifespan):
the Rasa client, the database engines and the stores on them, the rate limiters and the editor's
registries. One of each per process, so there is nothing to memoise and no first-request race to
guard. The web app's database must already be migrated (`python -m web.manage migrate`)."""

from dataclasses import dataclass

import httpx
from sqlalchemy import Engine

from core.config import Settings
from core.database import new_engine
from web.admin.changes import ChangeLog
from web.admin.knowledge import KnowledgeEditor
from web.admin.models import ModelVersions
from web.admin.review import ConversationReview
from web.admin.staff import Staff
from web.admin.training_data import RasaChecker, TrainingDataEditor
from web.conversations import ConversationOwners
from web.rasa_client import RasaClient
from web.rate_limit import RateLimiter
from web.security import CustomerLogins
from web.tables import MIGRATIONS


@dataclass
class Services:
    settings: Settings
    database: Engine
    tracker_store: Engine  # Rasa's, read by the review page
    rasa: RasaClient
    owners: ConversationOwners
    logins: CustomerLogins
    message_limiter: RateLimiter
    sign_in_limiter: RateLimiter
    staff: Staff
    change_log: ChangeLog
    knowledge: KnowledgeEditor
    training_data: TrainingDataEditor
    review: ConversationReview
    models: ModelVersions

    @classmethod
    def start(cls, settings: Settings, rasa_http: httpx.AsyncClient,
              checker_http: httpx.Client) -> "Services":
        """Refuses (SchemaNotCurrent, saying what to run) on a database that is not migrated."""
        database = new_engine(settings.web_database_url)
        try:
            MIGRATIONS.require_current(database)
        except Exception:
            database.dispose()
            raise
        tracker_store = new_engine(settings.tracker_database_url)
        log = ChangeLog(database)
        return cls(
            settings=settings,
            database=database,
            tracker_store=tracker_store,
            rasa=RasaClient(rasa_http),
            owners=ConversationOwners(database),
            logins=CustomerLogins(settings.customer_logins),
            message_limiter=RateLimiter(settings.rate_limit_messages, settings.rate_limit_seconds),
            sign_in_limiter=RateLimiter(settings.sign_in_attempts, settings.rate_limit_seconds),
            staff=Staff(database, settings.admin_session_minutes),
            change_log=log,
            knowledge=KnowledgeEditor(settings.knowledge_dir, log),
            training_data=TrainingDataEditor(settings.training_data_dir, log,
                                             RasaChecker(checker_http)),
            review=ConversationReview(tracker_store,
                                      settings.review_low_confidence),
            models=ModelVersions(settings, database),
        )

    def close(self) -> None:
        self.database.dispose()
        self.tracker_store.dispose()
