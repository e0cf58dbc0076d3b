"""What the web app's routes work with, built once when the app starts (web/main.py's lifespan):
the Rasa client, the stores, the rate limiters and the editor's registries. One of each per
process, so there is nothing to memoise and no first-request race to guard."""

from dataclasses import dataclass

import httpx

from core.config import Settings
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


@dataclass
class Services:
    settings: Settings
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
        log = ChangeLog(settings.web_database_url)
        return cls(
            settings=settings,
            rasa=RasaClient(rasa_http),
            owners=ConversationOwners(settings.web_database_url),
            logins=CustomerLogins(settings.customer_logins),
            message_limiter=RateLimiter(settings.rate_limit_messages, settings.rate_limit_seconds),
            sign_in_limiter=RateLimiter(settings.sign_in_attempts, settings.rate_limit_seconds),
            staff=Staff(settings.web_database_url, settings.admin_session_minutes),
            change_log=log,
            knowledge=KnowledgeEditor(settings.knowledge_dir, log),
            training_data=TrainingDataEditor(settings.training_data_dir, log,
                                             RasaChecker(checker_http)),
            review=ConversationReview(settings.tracker_database_url,
                                      settings.review_low_confidence),
            models=ModelVersions(settings),
        )
