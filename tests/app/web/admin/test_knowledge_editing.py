"""Staff edit the knowledge base: validated saves, clean YAML diffs, conflicts, history, undo."""

import pytest
from fastapi.testclient import TestClient

from core import knowledge_base as kb

NEW = {
    "id": "ac-paper-statement", "category": "account", "source": "demo bank policy",
    "zh": {"question": "可以寄纸质对账单吗？",
           "paraphrases": ["纸质账单怎么申请", "能不能邮寄对账单", "我要纸质流水"],
           "answer": "可以，在App“我的-对账单”申请邮寄，5个工作日内寄出。"},
    "en": {"question": "Can I get a paper statement?",
           "paraphrases": ["mail me a statement", "paper bank statement",
                           "how do I order a printed statement"],
           "answer": "Yes: order it under Me > Statements in the app; it is posted within 5 "
                     "working days."},
}


def files(settings) -> dict:
    return {path.name: path.read_text(encoding="utf-8")
            for path in sorted(settings.knowledge_dir.glob("*.yml"))}


def test_viewers_read_and_search_but_cannot_edit(signed_in):
    viewer = signed_in("vera")
    listed = viewer.get("/admin/api/knowledge").json()
    assert len(listed) >= 200 and all(entry["version"] for entry in listed)
    found = viewer.get("/admin/api/knowledge", params={"q": "存款保险"}).json()
    assert found and all("存款保险" in str(entry) for entry in found)
    assert viewer.post("/admin/api/knowledge", json=NEW).status_code == 403


def test_an_editor_adds_an_entry_as_a_clean_diff_in_the_right_file(signed_in, settings):
    before = files(settings)
    created = signed_in("ed").post("/admin/api/knowledge", json=NEW)
    assert created.status_code == 201, created.text
    assert "near_faq" not in created.json()  # left out, as in the file, not null
    after = files(settings)
    changed = [name for name in after if after[name] != before[name]]
    assert changed == ["account.yml"]  # where the account entries live
    assert after["account.yml"].startswith(before["account.yml"])  # appended, nothing reflowed
    assert "  - 纸质账单怎么申请\n" in after["account.yml"]
    assert kb.load(settings.knowledge_dir)[-1].id != ""  # the whole knowledge base still loads
    assert signed_in("vera").get("/admin/api/knowledge/ac-paper-statement").json()[
        "en"]["question"] == "Can I get a paper statement?"


# 400: the body does not fit the entry's schema; 422: an entry, but one the editor refuses.
@pytest.mark.parametrize("change, status, reason", [
    (lambda e: e.pop("en"), 422, "both Chinese and English"),
    (lambda e: e["zh"].update(answer="  "), 400, "zh.answer"),
    (lambda e: e["en"].update(paraphrases=["one", "two"]), 422, "at least 3"),
    (lambda e: e.update(id="ac-transfer-arrival-time"), 422, "already used"),
    (lambda e: e.update(id="Has Spaces"), 422, "id"),
    (lambda e: e["zh"].update(question=None), 400, "zh.question"),
    (lambda e: e["zh"].pop("answer"), 400, "zh.answer: Field required"),
    (lambda e: e.update(catgory="account"), 400, "catgory"),
    (lambda e: e["en"].update(answr="a typo"), 400, "en.answr"),
    (lambda e: e["en"].update(paraphrases="one, two, three"), 400, "en.paraphrases"),
])
def test_an_invalid_entry_is_refused_with_the_reason_and_nothing_is_written(
        signed_in, settings, change, status, reason):
    entry = {**NEW, "zh": dict(NEW["zh"]), "en": dict(NEW["en"])}
    change(entry)
    if "already used" in reason:
        entry["id"] = kb.load(settings.knowledge_dir)[0].id
    before = files(settings)
    response = signed_in("ed").post("/admin/api/knowledge", json=entry)
    assert response.status_code == status
    assert reason in response.json()["detail"]
    assert files(settings) == before


def test_a_malformed_edit_is_answered_400_with_the_reason(signed_in, settings):
    editor = signed_in("ed")
    entry = editor.get("/admin/api/knowledge/ac-open-account-steps").json()
    before = files(settings)
    response = editor.put("/admin/api/knowledge/ac-open-account-steps",
                          json=dict(entry, zh=dict(entry["zh"], answer=42)))
    assert response.status_code == 400 and "zh.answer" in response.json()["detail"]
    response = editor.post("/admin/api/knowledge", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["detail"]
    assert files(settings) == before


def test_the_openapi_schema_lists_the_entrys_fields(web_app):
    spec = TestClient(web_app).get("/openapi.json").json()
    schemas, paths = spec["components"]["schemas"], spec["paths"]
    body = paths["/admin/api/knowledge"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/EntryIn"}
    read = paths["/admin/api/knowledge/{entry_id}"]["get"]["responses"]["200"]["content"]
    assert read["application/json"]["schema"] == {"$ref": "#/components/schemas/EntryOut"}
    for name, required in (("EntryIn", ["id"]), ("EntryOut", ["id", "version"])):
        schema = schemas[name]
        assert set(schema["properties"]) == {"id", "category", "source", "near_faq", "zh", "en",
                                             "version"}
        assert schema["additionalProperties"] is False and schema["required"] == required
    side = schemas["Side"]
    assert set(side["properties"]) == {"question", "paraphrases", "answer"}
    assert side["required"] == ["question", "answer"] and side["additionalProperties"] is False
    assert side["properties"]["answer"] == {"type": "string", "minLength": 1, "title": "Answer"}


def test_two_editors_on_one_entry_the_second_save_is_a_conflict(signed_in, settings):
    first, second = signed_in("ed"), signed_in("ada")
    entry = first.get("/admin/api/knowledge/ac-open-account-steps").json()
    theirs = dict(entry, source="first editor")
    assert first.put("/admin/api/knowledge/ac-open-account-steps", json=theirs).status_code == 200
    mine = dict(entry, source="second editor")  # made from the version before the first save
    response = second.put("/admin/api/knowledge/ac-open-account-steps", json=mine)
    assert response.status_code == 409 and "changed by someone else" in response.json()["detail"]
    assert first.get("/admin/api/knowledge/ac-open-account-steps").json()["source"] == \
        "first editor"


def test_every_change_is_recorded_with_a_diff_and_can_be_undone(signed_in, settings):
    editor = signed_in("ed")
    original = files(settings)
    entry = editor.get("/admin/api/knowledge/ac-open-account-steps").json()
    edited = dict(entry, zh=dict(entry["zh"], answer="新的回答。"))
    saved = editor.put("/admin/api/knowledge/ac-open-account-steps", json=edited).json()
    editor.post("/admin/api/knowledge", json=NEW)
    deleted = editor.delete("/admin/api/knowledge/ac-open-account-steps",
                            params={"version": saved["version"]})
    assert deleted.status_code == 204
    history = signed_in("vera").get("/admin/api/changes").json()
    assert [(c["action"], c["item"], c["username"]) for c in history[:3]] == [
        ("delete", "ac-open-account-steps", "ed"), ("create", "ac-paper-statement", "ed"),
        ("update", "ac-open-account-steps", "ed")]
    assert "+  answer: 新的回答。" in history[2]["diff"]

    update_id = history[2]["id"]
    blocked = editor.post(f"/admin/api/changes/{update_id}/undo")
    assert blocked.status_code == 409  # deleted since: undo the later change first
    for change in history[:3]:  # newest first
        undone = editor.post(f"/admin/api/changes/{change['id']}/undo")
        assert undone.status_code == 200, undone.text
        assert undone.json()["action"] == f"undo #{change['id']}"
    assert files(settings) == original
    assert signed_in("vera").post(f"/admin/api/changes/{update_id}/undo").status_code == 403


def test_stale_or_missing_versions_and_unknown_entries(signed_in):
    editor = signed_in("ed")
    entry = editor.get("/admin/api/knowledge/ac-open-account-steps").json()
    assert editor.put("/admin/api/knowledge/ac-open-account-steps",
                      json=dict(entry, version=None)).status_code == 422
    assert editor.delete("/admin/api/knowledge/ac-open-account-steps",
                         params={"version": "0" * 16}).status_code == 409
    assert editor.get("/admin/api/knowledge/no-such-entry").status_code == 404
    assert editor.put("/admin/api/knowledge/ac-open-account-steps",
                      json=dict(entry, id="another-id")).status_code == 422


@pytest.mark.parametrize("form", ["jsonl", "csv"])
def test_export_then_import_round_trips_and_a_banks_faq_loads(signed_in, settings, form):
    editor = signed_in("ed")
    before = files(settings)
    exported = editor.get("/admin/api/knowledge/export", params={"format": form})
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    same = editor.post("/admin/api/knowledge/import", params={"format": form},
                       content=exported.content)
    assert same.json() == {"created": 0, "updated": 0, "unchanged": len(kb.load(
        settings.knowledge_dir))}
    assert files(settings) == before  # near_faq marks survive, nothing rewritten

    ours = kb.Entry(NEW["id"], NEW["category"], NEW["source"], {
        language: kb.Side(NEW[language]["question"], NEW[language]["answer"],
                          NEW[language]["paraphrases"]) for language in ("zh", "en")})
    text = "".join(line + "\n" for line in kb.export_jsonl([ours])) if form == "jsonl" \
        else kb.export_csv([ours])
    loaded = editor.post("/admin/api/knowledge/import", params={"format": form},
                         content=text.encode())
    assert loaded.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert editor.get(f"/admin/api/knowledge/{NEW['id']}").json()["zh"]["paraphrases"] == \
        NEW["zh"]["paraphrases"]
    assert signed_in("vera").get("/admin/api/changes").json()[0]["action"] == "import"


@pytest.mark.parametrize("form, text, reason", [
    ("jsonl", '{"id": "x-1", "question": "q", "answer": "a", "lang": "fr"}\n', "lang"),
    ("jsonl", "{oops\n", "not JSON"),
    ("jsonl", '{"id": "x-1", "question": "q", "answer": "a", "lang": "zh"}\n', "English"),
    ("csv", "id,question\nx,y\n", "missing column"),
])
def test_an_invalid_import_is_refused_whole(signed_in, settings, form, text, reason):
    before = files(settings)
    response = signed_in("ed").post("/admin/api/knowledge/import", params={"format": form},
                                    content=text.encode())
    assert response.status_code == 422 and reason in response.json()["detail"]
    assert files(settings) == before


def test_viewers_cannot_import(signed_in):
    response = signed_in("vera").post("/admin/api/knowledge/import", content=b"")
    assert response.status_code == 403
