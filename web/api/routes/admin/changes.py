"""What staff changed, newest first, with diffs; and undo."""

from fastapi import APIRouter, HTTPException

from web.admin.changes import Change
from web.admin.knowledge import HTTP_STATUS, EditConflict, EditRefused, NotFound
from web.admin.knowledge import KIND as KNOWLEDGE
from web.api.deps import ChangeLogDep, EditorDep, KnowledgeEditorDep, ViewerDep

router = APIRouter(prefix="/admin/api/changes", tags=["admin: changes"])


@router.get("")
def recent(_: ViewerDep, log: ChangeLogDep, kind: str | None = None,
           limit: int = 100) -> list[Change]:
    return log.recent(kind, min(limit, 1000))


@router.post("/{change_id}/undo", responses={409: {"description": "Changed again since"}})
def undo(change_id: int, session: EditorDep, log: ChangeLogDep,
         knowledge: KnowledgeEditorDep) -> Change:
    change = log.get(change_id)
    if change is None:
        raise HTTPException(404, f"There is no change #{change_id}.")
    editors = {KNOWLEDGE: knowledge}
    try:
        editors[change.kind].undo(change_id, session.username)
    except (EditConflict, EditRefused, NotFound) as error:
        raise HTTPException(HTTP_STATUS[type(error)], str(error)) from error
    return log.recent(limit=1)[0]
