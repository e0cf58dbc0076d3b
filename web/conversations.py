"""Which customer each conversation belongs to.

A conversation (Rasa's sender id) is bound to the first customer who sends a signed message on
it; from then on only that customer may use it: another customer's token, a partner key or an
anonymous message on it is refused, so nobody can read or continue someone else's conversation
by knowing its id. Anonymous conversations stay unbound until a customer signs in on them.
"""

from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from web.tables import conversation_owners as owners


class ConversationOwners:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def owner(self, sender: str) -> str | None:
        with self.engine.connect() as db:
            return db.execute(select(owners.c.customer_id).where(owners.c.sender == sender)
                              ).scalar_one_or_none()

    def admit(self, sender: str, customer_id: str | None) -> bool:
        """May this caller (a customer id, or None for anonymous) send on this conversation?"""
        owner = self.owner(sender)
        if owner is None and customer_id is not None:
            try:
                with self.engine.begin() as db:
                    db.execute(insert(owners).values(sender=sender, customer_id=customer_id,
                                                     bound_at=datetime.now(UTC)))
                return True
            except IntegrityError:  # someone bound it a moment ago: that one owns it
                owner = self.owner(sender)
        return owner is None or owner == customer_id
