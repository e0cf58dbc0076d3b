"""Who the customer is: only what the authenticated channel says.

The web app verifies the customer's signed token and puts the customer id into the metadata of
each message it passes to Rasa. That is the only source: never the text, slots or entities (a
customer typing "I am C001" proves nothing), and never an earlier message or the session's start
(each message carries its own identity, so a logged-out message is anonymous).
"""

import re
from typing import Optional

from rasa_sdk import Tracker

METADATA_KEY = "customer_id"
# What a customer id may look like; anything else is treated as no identity at all.
_CUSTOMER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def customer_id(tracker: Tracker) -> Optional[str]:
    """The authenticated customer of the latest message, or None for an anonymous visitor."""
    message = tracker.latest_message or {}
    metadata = message.get("metadata")
    if not isinstance(metadata, dict):
        return None
    value = metadata.get(METADATA_KEY)
    if isinstance(value, str) and _CUSTOMER_ID.fullmatch(value):
        return value
    return None
