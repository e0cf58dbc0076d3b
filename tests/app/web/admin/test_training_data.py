"""Editing intents, examples, responses and FAQ topics through the API: what is written, what is
refused (and that refused edits leave every file byte-identical), conflicts, undo, roles."""

import difflib
from pathlib import Path
from urllib.parse import quote

import pytest

from core.config import PROJECT_ROOT
from web.admin import training_files as files

DATA_FILES = ("nlu/train", "bot/domain", "bot/data")


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for part in DATA_FILES for path in sorted((root / part).rglob("*.yml"))}


def changed_lines(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """The diff's changed lines across every file (+ added, - removed)."""
    lines = []
    for name in sorted(set(before) | set(after)):
        old = before.get(name, b"").decode().splitlines()
        new = after.get(name, b"").decode().splitlines()
        lines += [line for line in difflib.unified_diff(old, new, lineterm="", n=0)
                  if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    return lines


@pytest.fixture
def editor(signed_in):
    return signed_in("ed")


@pytest.fixture
def root(settings) -> Path:
    return settings.training_data_dir


def intent(client, name: str) -> dict:
    response = client.get(f"/admin/api/intents/{quote(name)}")
    assert response.status_code == 200, response.text
    return response.json()


def test_writing_every_item_unchanged_rewrites_no_byte():
    """The writer reproduces the repository's files exactly: a browser edit is a minimal diff."""
    project = files.Project.load(PROJECT_ROOT)
    for relative, text in files.edited_texts(PROJECT_ROOT, project, project.items).items():
        assert (PROJECT_ROOT / relative).read_text(encoding="utf-8") == text, relative


@pytest.mark.parametrize("relative", [str(path.relative_to(PROJECT_ROOT)) for part in DATA_FILES
                                      for path in sorted((PROJECT_ROOT / part).glob("*.yml"))])
def test_every_data_file_round_trips_byte_for_byte(relative):
    """Both indentation styles (lists level with their key or under it), comments, quoting,
    block literals and nulls come back as they were."""
    text = (PROJECT_ROOT / relative).read_text(encoding="utf-8")
    assert files.Document.parse(text).dump() == text


SMALL = {
    "nlu/train/general.yml": (
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - 你好\n    - hello\n\n'
        "# said last\n- intent: goodbye\n  examples: |\n    - 再见\n    - bye  # not a comment\n"),
    "bot/domain/general.yml": (
        'version: "3.1"\n\nintents:\n  - greet\n  - goodbye\n\nresponses:\n  utter_greet:\n'
        '    - text: "您好"\n    - condition:\n        - type: slot\n          name: language\n'
        "          value: en\n      text: 'Hello, I''m An'\n\n"
        "  # said last\n  utter_goodbye:\n    - text: 再见\n"),
    "bot/data/rules.yml": (
        'version: "3.1"\n\nrules:\n  - rule: greet\n    steps:\n      - intent: greet\n'
        "      - action: utter_greet\n      - active_loop: null\n\n  - rule: goodbye\n"
        "    steps:\n      - intent: goodbye\n      - action: utter_goodbye\n"),
}


@pytest.fixture
def small(tmp_path, monkeypatch) -> Path:
    """A project of three small files, in both indentation styles."""
    for relative, text in SMALL.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    monkeypatch.setattr(files, "DOMAIN_INTENTS_FILE", "bot/domain/general.yml")
    return tmp_path


def written(root: Path, changes: dict) -> list[str]:
    """Writes `changes` to the project under root; the diff's changed lines."""
    project = files.Project.load(root)
    before = snapshot(root)
    for relative, text in files.edited_texts(root, project, changes).items():
        (root / relative).write_text(text, encoding="utf-8")
    assert {key: files.Project.load(root).items.get(key) for key in changes} == changes
    return changed_lines(before, snapshot(root))


def test_an_edit_keeps_comments_quoting_and_block_literals(small):
    project = files.Project.load(small)
    greet, answer = project.items["intent:greet"], project.items["response:utter_greet"]
    assert written(small, {
        "intent:greet": {**greet, "examples": ["您好", "hello"]},
        "response:utter_greet": {**answer, "variations": files.with_texts(
            answer["variations"], {"en": "Hello, I'm An!"})},
    }) == ["-      text: 'Hello, I''m An'", "+      text: 'Hello, I''m An!'",
           "-    - 你好", "+    - 您好"]
    texts = {relative: (small / relative).read_text(encoding="utf-8") for relative in SMALL}
    assert "# said last\n- intent: goodbye\n  examples: |\n" in texts["nlu/train/general.yml"]
    assert '- text: "您好"' in texts["bot/domain/general.yml"]  # quoted as it was
    assert "- text: 再见\n" in texts["bot/domain/general.yml"]  # and plain as it was
    assert "- active_loop: null\n" in texts["bot/data/rules.yml"]


def test_added_items_look_like_their_neighbours_and_go_without_a_trace(small):
    new = {"intent:thank": {"file": "nlu/train/general.yml", "examples": ["谢谢", "thanks"]},
           "response:utter_thank": {"file": "bot/domain/general.yml",
                                    "variations": files.with_texts([], {"zh": "不客气",
                                                                        "en": "You're welcome"})},
           "rule:thank": {"file": files.RULES_FILE,
                          "steps": [{"intent": "thank"}, {"action": "utter_thank"}]}}
    assert written(small, new) == [
        "+", "+  - rule: thank", "+    steps:", "+      - intent: thank",
        "+      - action: utter_thank",
        "+  - thank",
        "+", "+  utter_thank:", '+    - text: "不客气"', "+    - condition:",
        "+        - type: slot", "+          name: language", "+          value: en",
        '+      text: "You\'re welcome"',
        "+", "+- intent: thank", "+  examples: |", "+    - 谢谢", "+    - thanks"]
    written(small, dict.fromkeys(new))
    assert snapshot(small) == {relative: text.encode() for relative, text in SMALL.items()}


AFTER_DELETING = {
    "greet": (
        'version: "3.1"\nnlu:\n# said last\n- intent: goodbye\n  examples: |\n    - 再见\n'
        "    - bye  # not a comment\n",
        'version: "3.1"\n\nintents:\n  - goodbye\n\nresponses:\n  # said last\n  utter_goodbye:\n'
        "    - text: 再见\n"),
    "goodbye": (
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - 你好\n    - hello\n',
        SMALL["bot/domain/general.yml"].replace("  - goodbye\n", "").split("\n  # said last")[0]),
}


@pytest.mark.parametrize("name", AFTER_DELETING)
def test_a_deleted_item_takes_the_comment_above_it_and_leaves_the_one_below(small, name):
    written(small, {f"intent:{name}": None, f"response:utter_{name}": None})
    assert ((small / "nlu/train/general.yml").read_text(encoding="utf-8"),
            (small / "bot/domain/general.yml").read_text(encoding="utf-8")) == AFTER_DELETING[name]


@pytest.mark.parametrize("markup", [
    "我想买[稳盈90天](product)", "repay [5000](amount) on [L2001](loan_id)",
    '[活期宝]{"entity": "product", "value": "WM001"}还有吗', "no entity here"])
def test_entity_markup_round_trips(markup):
    parsed = files.parse_example(markup)
    assert files.render_example(parsed["text"], parsed["entities"]) == markup


def test_intents_listed_with_counts_per_language_and_searchable(signed_in):
    viewer = signed_in("vera")
    listed = {i["name"]: i for i in viewer.get("/admin/api/intents").json()}
    assert listed["check_balance"]["counts"]["zh"] > 10
    assert listed["check_balance"]["counts"]["en"] > 10
    assert listed["faq_loan/flexi_loan"]["faq"] is True
    found = [i["name"] for i in viewer.get("/admin/api/intents", params={"q": "随心借是什么"}
                                           ).json()]
    assert found == ["faq_loan/flexi_loan"]
    buy = intent(viewer, "buy_product")
    marked = next(e for e in buy["examples"] if e["entities"])
    span = marked["entities"][0]
    assert marked["text"][span["start"]:span["end"]].strip()
    assert span["entity"] in {"product", "amount"}
    assert {e["language"] for e in buy["examples"]} >= {"zh", "en"}
    assert "product" in viewer.get("/admin/api/entities").json()


def test_adding_an_annotated_example_is_a_one_line_diff_and_undoable(editor, root):
    before = snapshot(root)
    current = intent(editor, "buy_product")
    text = "帮我买两万块的稳盈90天"
    start = text.index("稳盈90天")
    new = {"text": text, "entities": [
        {"start": start, "end": start + 5, "entity": "product"},
        {"start": 3, "end": 6, "entity": "amount", "value": "20000"}]}
    response = editor.put("/admin/api/intents/buy_product", json={
        "examples": [*current["examples"], new], "version": current["version"]})
    assert response.status_code == 200, response.text
    assert changed_lines(before, snapshot(root)) == [
        '+    - 帮我买[两万块]{"entity": "amount", "value": "20000"}的[稳盈90天](product)']
    change = editor.get("/admin/api/changes").json()[0]
    assert (change["username"], change["kind"], change["item"]) == ("ed", "training-data",
                                                                    "buy_product")
    assert "稳盈90天" in change["diff"]
    # a second save from the version the first editor started from is a conflict
    stale = editor.put("/admin/api/intents/buy_product", json={
        "examples": current["examples"][:-1], "version": current["version"]})
    assert stale.status_code == 409
    assert editor.post(f"/admin/api/changes/{change['id']}/undo").status_code == 200
    assert snapshot(root) == before


def refused(client, method: str, url: str, root: Path, body: dict, status: int = 422) -> str:
    before = snapshot(root)
    response = client.request(method, url, json=body)
    assert response.status_code == status, response.text
    assert snapshot(root) == before
    return response.json()["detail"]


def test_refusals_say_why_and_write_nothing(editor, root):
    balance = intent(editor, "check_balance")
    examples = balance["examples"]
    url, version = "/admin/api/intents/check_balance", balance["version"]
    taken = intent(editor, "check_holdings")["examples"][0]["text"]
    assert "check_holdings" in refused(editor, "PUT", url, root, {
        "examples": [*examples, {"text": taken}], "version": version})
    assert "English" in refused(editor, "PUT", url, root, {
        "examples": [e for e in examples if e["language"] != "en"], "version": version})
    assert "held-out" in refused(editor, "PUT", url, root, {
        "examples": [*examples, {"text": files.parse_example(
            next(iter(_heldout_examples("check_balance"))))["text"]}], "version": version})
    assert "unknown entity" in refused(editor, "PUT", url, root, {
        "examples": [*examples, {"text": "我的工资卡余额", "entities": [
            {"start": 2, "end": 5, "entity": "salary"}]}], "version": version})
    assert "outside" in refused(editor, "PUT", url, root, {
        "examples": [*examples, {"text": "余额呢", "entities": [
            {"start": 1, "end": 9, "entity": "amount"}]}], "version": version})
    greet = editor.get("/admin/api/responses/utter_greet").json()
    assert "English answer is empty" in refused(
        editor, "PUT", "/admin/api/responses/utter_greet", root,
        {"zh": greet["zh"], "en": "  ", "version": greet["version"]})
    assert refused(editor, "PUT", "/admin/api/intents/no_such_intent", root, {
        "examples": [], "version": "x"}, 404)


def _heldout_examples(name: str) -> list[str]:
    project = files.Project.load(PROJECT_ROOT)
    return [text for text, owner in project.heldout.items() if owner == name]


def test_rasa_refuses_what_the_project_rules_do_not_catch(editor, root):
    """Deleting an intent the stories use passes the project's rules; Rasa's validation stops it."""
    version = intent(editor, "check_balance")["version"]
    before = snapshot(root)
    response = editor.delete("/admin/api/intents/check_balance", params={"version": version})
    assert response.status_code == 422, response.text
    assert "check_balance" in response.json()["detail"]
    assert snapshot(root) == before


def test_moving_an_example_to_another_intent(editor, root):
    before = snapshot(root)
    text = intent(editor, "check_balance")["examples"][0]["text"]
    response = editor.post("/admin/api/examples/move", json={
        "text": text, "source": "check_balance", "target": "check_holdings"})
    assert response.status_code == 200, response.text
    assert text in [e["text"] for e in intent(editor, "check_holdings")["examples"]]
    assert text not in [e["text"] for e in intent(editor, "check_balance")["examples"]]
    assert sorted(changed_lines(before, snapshot(root))) == sorted(
        [f"-    - {text}", f"+    - {text}"])
    change = editor.get("/admin/api/changes").json()[0]
    assert change["action"] == "move example"
    editor.post(f"/admin/api/changes/{change['id']}/undo")
    assert snapshot(root) == before


def test_an_faq_topic_with_its_answer_and_a_new_answered_intent(editor, root):
    before = snapshot(root)
    topic = {"name": "faq_service/paper_statement", "examples": [
        {"text": "可以寄纸质对账单给我吗"}, {"text": "能不能邮寄纸质账单"},
        {"text": "can you post me a paper statement"}],
        "answer": {"zh": "我们只提供电子对账单，可在App里下载。",
                   "en": "Statements are electronic only; download them in the app."}}
    response = editor.post("/admin/api/faq", json=topic)
    assert response.status_code == 201, response.text
    assert response.json()["counts"] == {"zh": 2, "en": 1}
    listed = {t["name"]: t for t in editor.get("/admin/api/faq").json()}
    assert listed["faq_service/paper_statement"]["answer"]["en"].startswith("Statements are")
    after = snapshot(root)
    assert "- intent: faq_service/paper_statement" in after["nlu/train/faq_service.yml"].decode()
    assert "utter_faq_service/paper_statement:" in after["bot/domain/faq_service.yml"].decode()
    # the same topic again, or one without an English example, is refused
    assert editor.post("/admin/api/faq", json=topic).status_code == 422
    assert "English" in editor.post("/admin/api/faq", json={**topic, "name": "faq_service/x_y",
                                    "examples": topic["examples"][:2]}).json()["detail"]
    # a plain intent comes with its answer and the rule that gives it
    response = editor.post("/admin/api/intents", json={
        "name": "ask_branch_wifi", "examples": [{"text": "网点有wifi吗"},
                                                 {"text": "is there wifi at the branch"}],
        "answer": {"zh": "网点都有免费WiFi。", "en": "Every branch has free Wi-Fi."}})
    assert response.status_code == 201, response.text
    texts = snapshot(root)
    assert "  - rule: ask_branch_wifi" in texts["bot/data/rules.yml"].decode()
    assert "  - ask_branch_wifi" in texts["bot/domain/core.yml"].decode()
    for change in editor.get("/admin/api/changes").json()[:2]:  # newest first
        assert editor.post(f"/admin/api/changes/{change['id']}/undo").status_code == 200
    assert snapshot(root) == before


def test_responses_edited_per_language_keep_their_buttons(editor, root):
    current = editor.get("/admin/api/responses/utter_service_unavailable").json()
    assert current["buttons"] is True
    response = editor.put("/admin/api/responses/utter_service_unavailable", json={
        "zh": "账户系统暂时没有响应，请稍后再试。", "en": current["en"],
        "version": current["version"]})
    assert response.status_code == 200, response.text
    text = (root / "bot/domain/account.yml").read_text()
    assert '- text: "账户系统暂时没有响应，请稍后再试。"' in text
    assert text.count('payload: "/request_human"') == 2
    stale = editor.put("/admin/api/responses/utter_service_unavailable", json={
        "zh": "x", "en": "y", "version": current["version"]})
    assert stale.status_code == 409


def test_a_response_keeps_the_figures_the_assistant_fills_in(editor, root):
    """utter_balance says {last_digits} and {balance}: an edit may reword it, and quote the
    bank's facts ({bank_hotline}), but not drop a figure or add one no action passes."""
    url = "/admin/api/responses/utter_balance"
    current = editor.get(url).json()
    assert "{balance}" in current["zh"] and "{balance}" in current["en"]
    assert "keep the figures {balance} {last_digits}" in refused(editor, "PUT", url, root, {
        "zh": "您的余额为 {balance}。", "en": current["en"], "version": current["version"]})
    assert "keep the figures" in refused(editor, "PUT", url, root, {
        "zh": current["zh"] + "{points}", "en": current["en"], "version": current["version"]})
    reworded = editor.put(url, json={
        "zh": "尾号{last_digits}的借记卡现有 {balance}。疑问请致电{bank_hotline}。",
        "en": current["en"], "version": current["version"]})
    assert reworded.status_code == 200, reworded.text


def test_export_and_import_as_rasa_yaml(editor, root):
    exported = editor.get("/admin/api/training-data/export")
    assert exported.status_code == 200
    assert "- intent: check_balance" in exported.text and "utter_greet:" in exported.text
    before = snapshot(root)
    unchanged = editor.post("/admin/api/training-data/import", content=exported.text.encode())
    assert unchanged.json() == {"created": 0, "updated": 0}
    assert snapshot(root) == before
    imported = ('version: "3.1"\nnlu:\n- intent: check_balance\n  examples: |\n'
                "    - 看下我活期账户余额\n    - balance of my current account\n")
    assert editor.post("/admin/api/training-data/import", content=imported.encode()).json() == {
        "created": 0, "updated": 1}
    assert "看下我活期账户余额" in (root / "nlu/train/account.yml").read_text()
    broken = "nlu:\n- intent: faq_loan/only_chinese\n  examples: |\n    - 只有中文\n"
    assert editor.post("/admin/api/training-data/import", content=broken.encode()
                       ).status_code == 422
    assert editor.post("/admin/api/training-data/import", content=b"nlu: [oops").status_code == 422


def test_review_adds_a_customers_words_as_an_example(editor, root):
    response = editor.post("/admin/api/intents/check_balance/examples",
                           json={"text": "我的卡里头还有几个钱"})
    assert response.status_code == 201, response.text
    assert "    - 我的卡里头还有几个钱" in (root / "nlu/train/account.yml").read_text()
    again = editor.post("/admin/api/intents/check_balance/examples",
                        json={"text": "我的卡里头还有几个钱"})
    assert again.status_code == 422


def test_viewers_read_only_and_csrf_required(signed_in, root):
    viewer = signed_in("vera")
    current = intent(viewer, "check_balance")
    assert viewer.put("/admin/api/intents/check_balance", json={
        "examples": current["examples"], "version": current["version"]}).status_code == 403
    editor = signed_in("ed")
    del editor.headers["X-CSRF-Token"]
    assert editor.post("/admin/api/intents/check_balance/examples",
                       json={"text": "余额多少呀"}).status_code == 403


def test_nothing_is_written_when_rasa_cannot_check(editor, web_app, root, monkeypatch):
    checker = web_app.state.services.training_data.checker
    monkeypatch.setattr(checker.http, "base_url", "http://127.0.0.1:9")  # the discard port
    before = snapshot(root)
    response = editor.post("/admin/api/intents/check_balance/examples",
                           json={"text": "余额多少呀亲"})
    assert response.status_code == 503
    assert "nothing was saved" in response.json()["detail"]
    assert snapshot(root) == before
