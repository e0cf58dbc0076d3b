"""Recent conversations with the turns worth a look flagged (personal data masked), and one
click from such a turn to teach the knowledge base the customer's wording."""

from typing import Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from web.admin.knowledge import HTTP_STATUS, EditConflict, EditRefused, NotFound
from web.api.deps import EditorDep, KnowledgeEditorDep, ReviewDep, ViewerDep
from web.api.routes.admin.knowledge import EntryOut, out

router = APIRouter(prefix="/admin/api/conversations", tags=["admin: conversation review"])


class Paraphrase(BaseModel):
    entry_id: str
    language: Literal["zh", "en"]
    text: str = Field(min_length=1, max_length=500, description="The customer's words (masked)")


@router.get("")
def recent(_: ViewerDep, review: ReviewDep, limit: int = 50) -> list[dict]:
    """Newest first, each with its number of customer messages and of flagged turns."""
    return review.recent(min(limit, 500))


@router.get("/{sender}")
def conversation(sender: str, _: ViewerDep, review: ReviewDep) -> list[dict]:
    turns = review.conversation(sender)
    if not turns:
        raise HTTPException(404, f"There is no conversation {sender}.")
    return turns


@router.post("/paraphrase", responses={422: {"description": "Refused, with the reason"}})
def add_paraphrase(body: Paraphrase, session: EditorDep, editor: KnowledgeEditorDep) -> EntryOut:
    """Adds the customer's message as a paraphrase of a knowledge-base entry (validated and
    recorded like any edit; live in the retriever within seconds)."""
    try:
        return EntryOut(**out(editor.add_paraphrase(body.entry_id, body.language, body.text,
                                                    session.username)))
    except (EditRefused, EditConflict, NotFound) as error:
        raise HTTPException(HTTP_STATUS[type(error)], str(error)) from error
