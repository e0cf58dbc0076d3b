"""The retriever's knowledge-base entries: list, read (viewers), create, edit, delete (editors).
Edits reach the running retriever within seconds, without training."""

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from core import knowledge_base as kb
from web.admin.knowledge import HTTP_STATUS, EditConflict, EditRefused, NotFound, version_of
from web.api.deps import EditorDep, KnowledgeEditorDep, ViewerDep

router = APIRouter(prefix="/admin/api/knowledge", tags=["admin: knowledge base"])


class EntryIn(kb.EntryRecord):
    """An entry as in the YAML files, with the version it was edited from."""

    version: str | None = Field(None, description="The version you edited (required to save)")


class EntryOut(kb.EntryRecord):
    version: str = Field(description="Name it when you save a change to the entry")

    @model_serializer(mode="wrap")
    def _no_nulls(self, handler: SerializerFunctionWrapHandler):
        # A missing side or near_faq is left out, as in the file, not sent as null. (No return
        # annotation: pydantic would take it for the schema.)
        return {key: value for key, value in handler(self).items() if value is not None}


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


EXPORTS = {"jsonl": ("application/x-ndjson", lambda entries: "".join(
    line + "\n" for line in kb.export_jsonl(entries))), "csv": ("text/csv", kb.export_csv)}
IMPORTS = {"jsonl": lambda text: kb.import_jsonl(text.splitlines()), "csv": kb.import_csv}


@router.get("/export", response_class=PlainTextResponse)
def export(_: ViewerDep, editor: KnowledgeEditorDep,
           format: Literal["jsonl", "csv"] = "jsonl") -> PlainTextResponse:
    """The whole knowledge base as JSONL ({"id", "question", "answer", "lang", ...} per line) or
    CSV (a row per entry and language, paraphrases separated by " | ")."""
    media_type, write = EXPORTS[format]
    return PlainTextResponse(write(editor.entries()), media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="knowledge.{format}"'})


@router.post("/import", responses={422: {"description": "Refused, with the reason"}})
async def bulk_import(request: Request, session: EditorDep, editor: KnowledgeEditorDep,
                      format: Literal["jsonl", "csv"] = "jsonl") -> dict[str, int]:
    """A bank's FAQ in the export's form (the request body): new ids are created, known ids
    updated; one invalid line refuses the whole import and nothing is written."""
    try:
        text = (await request.body()).decode("utf-8-sig")
        entries = IMPORTS[format](text)
        return await run_in_threadpool(editor.import_entries, entries, session.username)
    except UnicodeDecodeError as error:
        raise HTTPException(422, "The file must be UTF-8 text.") from error
    except kb.KnowledgeBaseError as error:
        raise HTTPException(422, str(error)) from error
    except EditRefused as error:
        raise http_error(error) from error


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
