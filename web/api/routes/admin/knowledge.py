"""The retriever's knowledge-base entries: list, read (viewers), create, edit, delete (editors).
Edits reach the running retriever within seconds, without training."""

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from retriever import kb
from web.admin.knowledge import HTTP_STATUS, EditConflict, EditRefused, NotFound, version_of
from web.api.deps import EditorDep, KnowledgeEditorDep, ViewerDep

router = APIRouter(prefix="/admin/api/knowledge", tags=["admin: knowledge base"])


class EntryIn(BaseModel):
    """An entry as in the YAML files: id, category, source, and zh / en sides with question,
    paraphrases and answer."""

    model_config = {"extra": "allow"}
    id: str | None = None
    version: str | None = Field(None, description="The version you edited (required to save)")


class EntryOut(BaseModel):
    model_config = {"extra": "allow"}
    version: str


def out(entry: kb.Entry) -> dict[str, Any]:
    return {**kb.entry_to_dict(entry), "version": version_of(entry)}


def http_error(error: Exception) -> HTTPException:
    return HTTPException(HTTP_STATUS[type(error)], str(error))


def entry_data(body: EntryIn) -> dict:
    return body.model_dump(exclude={"version"}, exclude_none=True)


@router.get("")
def entries(_: ViewerDep, editor: KnowledgeEditorDep, q: str = "", category: str = "",
            ) -> list[EntryOut]:
    """Every entry, or those whose id or texts contain `q`, or of one category."""
    found = editor.entries()
    if category:
        found = [entry for entry in found if entry.category == category]
    if q:
        needle = q.lower()
        found = [entry for entry in found if needle in entry.id or any(
            needle in text.lower() for side in entry.sides.values()
            for text in [*side.texts(), side.answer])]
    return [EntryOut(**out(entry)) for entry in found]


@router.get("/{entry_id}")
def entry(entry_id: str, _: ViewerDep, editor: KnowledgeEditorDep) -> EntryOut:
    try:
        return EntryOut(**out(editor.get(entry_id)))
    except NotFound as error:
        raise http_error(error) from error


@router.post("", status_code=201, responses={422: {"description": "Refused, with the reason"}})
def create(body: EntryIn, session: EditorDep, editor: KnowledgeEditorDep) -> EntryOut:
    try:
        return EntryOut(**out(editor.create(entry_data(body), session.username)))
    except (EditRefused, EditConflict, NotFound) as error:
        raise http_error(error) from error


@router.put("/{entry_id}", responses={409: {"description": "Changed by someone else"},
                                      422: {"description": "Refused, with the reason"}})
def update(entry_id: str, body: EntryIn, session: EditorDep,
           editor: KnowledgeEditorDep) -> EntryOut:
    if not body.version:
        raise HTTPException(422, "version: say which version of the entry you edited")
    try:
        return EntryOut(**out(editor.update(entry_id, entry_data(body), body.version,
                                            session.username)))
    except (EditRefused, EditConflict, NotFound) as error:
        raise http_error(error) from error


@router.delete("/{entry_id}", status_code=204)
def delete(entry_id: str, version: str, session: EditorDep, editor: KnowledgeEditorDep) -> None:
    try:
        editor.delete(entry_id, version, session.username)
    except (EditRefused, EditConflict, NotFound) as error:
        raise http_error(error) from error
