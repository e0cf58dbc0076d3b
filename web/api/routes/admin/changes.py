"""What staff changed, newest first, with diffs; and undo."""

from fastapi import APIRouter, HTTPException

from web.admin.changes import Change
from web.admin.knowledge import KIND as KNOWLEDGE
from web.admin.knowledge import KnowledgeEditor
from web.admin.training_data import KIND as TRAINING_DATA
from web.admin.training_data import TrainingDataEditor
from web.api.deps import (
    ChangeLogDep,
    EditorDep,
    KnowledgeEditorDep,
    TrainingDataEditorDep,
    ViewerDep,
)

router = APIRouter(prefix="/admin/api/changes", tags=["admin: changes"])


@router.get("")
def recent(_: ViewerDep, log: ChangeLogDep, kind: str | None = None,
           limit: int = 100) -> list[Change]:
    return log.recent(kind, min(limit, 1000))


@router.post("/{change_id}/undo", responses={409: {"description": "Changed again since"},
                                             422: {"description": "Cannot be undone"}})
def undo(change_id: int, session: EditorDep, log: ChangeLogDep, knowledge: KnowledgeEditorDep,
         training_data: TrainingDataEditorDep) -> Change:
    """Puts the item(s) back as they were before the change: refused (409) if they changed
    again since. Undone changes are checked like any other edit."""
    change = log.get(change_id)
    if change is None:
        raise HTTPException(404, f"There is no change #{change_id}.")
    editors: dict[str, KnowledgeEditor | TrainingDataEditor] = {
        KNOWLEDGE: knowledge, TRAINING_DATA: training_data}
    if change.kind not in editors:
        raise HTTPException(422, "A deploy is undone by deploying the earlier version "
                                 "(Train and deploy).")
    editors[change.kind].undo(change_id, session.username)
    return log.recent(limit=1)[0]
