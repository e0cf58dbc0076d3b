"""Intents and their examples, responses, curated FAQ topics: read (viewers), change (editors).
Every change is checked by the project's rules and by Rasa before it is written (422 with the
reasons otherwise); a save from an older version is a 409."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from web.admin import training_files as files
from web.admin.knowledge import EditRefused
from web.admin.training_data import version_of
from web.api.deps import EditorDep, TrainingDataEditorDep, ViewerDep

router = APIRouter(prefix="/admin/api", tags=["admin: training data"])
REFUSALS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such item"}, 409: {"description": "Changed by someone else"},
    422: {"description": "Refused, with the reasons"},
    503: {"description": "Rasa's validation is not answering; nothing was written"}}


class Entity(BaseModel):
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    entity: str
    value: str | None = None


class Example(BaseModel):
    """An example as staff see it: the plain text and the marked entity spans."""

    text: str = Field(min_length=1, max_length=500)
    entities: list[Entity] = []

    def markup(self) -> str:
        text = " ".join(self.text.split())
        spans = [e.model_dump(exclude_none=True) for e in self.entities]
        for span in spans:
            if span["end"] > len(text) or span["start"] >= span["end"]:
                raise EditRefused(f"entities: {span} is outside 「{text}」")
        return files.render_example(text, spans)


def example_out(markup: str) -> dict:
    parsed = files.parse_example(markup)
    return {**parsed, "language": files.language_of(parsed["text"])}


def intent_out(name: str, value: dict, examples: bool = True) -> dict:
    parsed = [example_out(e) for e in value["examples"]]
    out = {"name": name, "file": value["file"], "faq": "/" in name,
           "version": version_of(value),
           "counts": {language: sum(e["language"] == language for e in parsed)
                      for language in ("zh", "en")}}
    return {**out, "examples": parsed} if examples else out


def response_out(name: str, value: dict) -> dict:
    texts = files.texts_of(value["variations"])
    return {"name": name, "file": value["file"], "zh": texts.get("zh", ""),
            "en": texts.get("en", ""), "version": version_of(value),
            "buttons": any("buttons" in v for v in value["variations"])}


class IntentIn(BaseModel):
    name: str
    file: str | None = Field(None, description="nlu/train/<name>.yml; default general.yml")
    examples: list[Example]
    answer: dict[str, str] = Field(description='What the assistant says: {"zh": …, "en": …}')


class ExamplesIn(BaseModel):
    examples: list[Example]
    version: str = Field(description="The version you edited")


class MoveIn(BaseModel):
    text: str
    source: str
    target: str


class ResponseIn(BaseModel):
    zh: str
    en: str
    version: str


class FaqIn(BaseModel):
    name: str = Field(description="faq_wealth/…, faq_loan/… or faq_service/…")
    examples: list[Example]
    answer: dict[str, str] = Field(description='{"zh": …, "en": …}')


@router.get("/intents")
def intents(_: ViewerDep, editor: TrainingDataEditorDep, q: str = "") -> list[dict]:
    """Every intent and FAQ topic with its number of examples per language; `q` searches names
    and examples."""
    needle = q.casefold().strip()
    return [intent_out(name, value, examples=False)
            for name, value in sorted(editor.project().intents().items())
            if not needle or needle in name or any(
                needle in files.parse_example(e)["text"].casefold() for e in value["examples"])]


@router.get("/intents/{name:path}")
def intent(name: str, _: ViewerDep, editor: TrainingDataEditorDep) -> dict:
    return intent_out(name, editor.item(f"intent:{name}"))


@router.post("/intents", status_code=201, responses=REFUSALS)
async def create_intent(body: IntentIn, session: EditorDep,
                        editor: TrainingDataEditorDep) -> dict:
    """A new intent with its answer: the examples, a response utter_<name> and the rule that
    gives it, written together (listed in the domain too). FAQ topics are created via /faq."""
    answer = {language: body.answer.get(language, "").strip() for language in ("zh", "en")}
    value = await run_in_threadpool(editor.create_intent, body.name,
                                    [e.markup() for e in body.examples], answer, body.file,
                                    session.username)
    return intent_out(body.name, value)


@router.put("/intents/{name:path}", responses=REFUSALS)
async def update_intent(name: str, body: ExamplesIn, session: EditorDep,
                        editor: TrainingDataEditorDep) -> dict:
    """Replaces the examples (add, edit, delete and annotate examples this way)."""
    value = await run_in_threadpool(editor.update_intent, name,
                                    [e.markup() for e in body.examples], body.version,
                                    session.username)
    return intent_out(name, value)


@router.delete("/intents/{name:path}", status_code=204, responses=REFUSALS)
async def delete_intent(name: str, version: str, session: EditorDep,
                        editor: TrainingDataEditorDep) -> None:
    await run_in_threadpool(editor.delete_intent, name, version, session.username)


@router.post("/intents/{name:path}/examples", status_code=201, responses=REFUSALS)
async def add_example(name: str, body: Example, session: EditorDep,
                      editor: TrainingDataEditorDep) -> dict:
    """One more example, e.g. a customer's words from conversation review."""
    value = await run_in_threadpool(editor.add_example, name, body.markup(), session.username)
    return intent_out(name, value)


@router.post("/examples/move", responses=REFUSALS)
async def move_example(body: MoveIn, session: EditorDep, editor: TrainingDataEditorDep) -> dict:
    await run_in_threadpool(editor.move_example, body.text, body.source, body.target,
                            session.username)
    return {"moved": body.text, "to": body.target}


@router.get("/entities")
def entities(_: ViewerDep, editor: TrainingDataEditorDep) -> list[str]:
    return editor.project().entities


@router.get("/responses")
def responses(_: ViewerDep, editor: TrainingDataEditorDep, q: str = "") -> list[dict]:
    needle = q.casefold().strip()
    found = [response_out(name, value)
             for name, value in sorted(editor.project().responses().items())]
    return [r for r in found if not needle or any(
        needle in r[field].casefold() for field in ("name", "zh", "en"))]


@router.get("/responses/{name:path}")
def response(name: str, _: ViewerDep, editor: TrainingDataEditorDep) -> dict:
    return response_out(name, editor.item(f"response:{name}"))


@router.put("/responses/{name:path}", responses=REFUSALS)
async def update_response(name: str, body: ResponseIn, session: EditorDep,
                          editor: TrainingDataEditorDep) -> dict:
    """New Chinese and English texts; buttons and conditions stay as they are."""
    value = await run_in_threadpool(editor.update_response, name,
                                    {"zh": body.zh.strip(), "en": body.en.strip()},
                                    body.version, session.username)
    return response_out(name, value)


@router.get("/faq")
def faq_topics(_: ViewerDep, editor: TrainingDataEditorDep) -> list[dict]:
    project = editor.project()
    answers = project.responses()
    return [{**intent_out(name, value, examples=False),
             "answer": files.texts_of(answers.get(f"utter_{name}", {}).get("variations", []))}
            for name, value in sorted(project.intents().items()) if "/" in name]


@router.post("/faq", status_code=201, responses=REFUSALS)
async def create_faq(body: FaqIn, session: EditorDep, editor: TrainingDataEditorDep) -> dict:
    """A curated FAQ topic: its question examples and its answer in both languages, together."""
    answer = {language: body.answer.get(language, "").strip() for language in ("zh", "en")}
    await run_in_threadpool(editor.create_faq, body.name, [e.markup() for e in body.examples],
                            answer, session.username)
    return intent_out(body.name, editor.item(f"intent:{body.name}"))


@router.get("/training-data/export", response_class=PlainTextResponse)
def export(_: ViewerDep, editor: TrainingDataEditorDep) -> PlainTextResponse:
    """Every intent's examples and every response, as Rasa YAML."""
    return PlainTextResponse(editor.export_yaml(), media_type="application/x-yaml", headers={
        "Content-Disposition": 'attachment; filename="training-data.yml"'})


@router.post("/training-data/import", responses=REFUSALS)
async def bulk_import(request: Request, session: EditorDep,
                      editor: TrainingDataEditorDep) -> dict[str, int]:
    """Rasa YAML (the export's form): new intents and responses are created, known intents get
    the examples they lack, known responses take the imported texts; all or nothing."""
    text = (await request.body()).decode("utf-8-sig", errors="replace")
    return await run_in_threadpool(editor.import_yaml, text, session.username)
