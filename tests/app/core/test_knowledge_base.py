"""The knowledge base's file format: what a file may hold, and a refusal that says where; JSONL
import and export, and the command a bank loads its own FAQ with; the project's knowledge base."""

import json

import pytest
import yaml

from core import knowledge_base as kb
from tests.app.core.sample_knowledge import ENTRIES, write_kb

SIDE = {"question": "How long does a transfer take?", "paraphrases": ["transfer time"],
        "answer": "Within two hours."}


def load(tmp_path, *entries: dict) -> list[kb.Entry]:
    (tmp_path / "test.yml").write_text(yaml.safe_dump({"version": 1, "entries": list(entries)}),
                                       encoding="utf-8")
    return kb.load(tmp_path)


def refusal(tmp_path, *entries: dict) -> str:
    with pytest.raises(kb.KnowledgeBaseError) as refused:
        load(tmp_path, *entries)
    return str(refused.value)


def test_an_entry_loads_stripped_with_the_formats_defaults(tmp_path):
    [entry] = load(tmp_path, {"id": " ac-transfer ", "category": "", "source": None,
                              "en": {**SIDE, "answer": " Within two hours. \n"}})
    assert entry == kb.Entry("ac-transfer", "general", "", {"en": kb.Side(
        SIDE["question"], "Within two hours.", SIDE["paraphrases"])})
    assert kb.entry_from_dict(kb.entry_to_dict(entry), "again") == entry


def test_an_unknown_field_is_refused_with_its_name(tmp_path):
    assert refusal(tmp_path, {"id": "ac-transfer", "en": SIDE, "catgory": "account"}) == \
        "test.yml #1 ac-transfer: catgory: unknown field"
    assert refusal(tmp_path, {"id": "ac-transfer", "en": {**SIDE, "answr": "a typo"}}) == \
        "test.yml #1 ac-transfer: en.answr: unknown field"


def test_a_missing_answer_is_refused_with_the_file_the_entry_and_the_field(tmp_path):
    side = {"question": "Can I cancel a transfer?"}
    assert refusal(tmp_path, {"id": "ac-transfer", "en": SIDE},
                   {"id": "ac-cancel", "zh": SIDE, "en": side}) == \
        "test.yml #2 ac-cancel: en.answer: is required"


@pytest.mark.parametrize("entry, reason", [
    ({"en": SIDE}, "test.yml #1: id: is required"),
    ({"id": "  ", "en": SIDE}, "test.yml #1: id: must be non-empty text"),
    ({"id": "x"}, "test.yml #1 x: needs a zh or en side"),
    ({"id": "x", "en": {**SIDE, "answer": True}}, "test.yml #1 x: en.answer: must be text"),
    ({"id": "x", "en": {**SIDE, "paraphrases": "one, two"}}, "en.paraphrases: must be a list"),
    ({"id": "x", "en": {**SIDE, "paraphrases": ["one", " "]}},
     "en.paraphrases #2: must be non-empty text"),
    ({"id": "x", "en": "Within two hours."}, "test.yml #1 x: en: must be a mapping"),
    ("just text", "test.yml #1: must be a mapping"),
])
def test_types_are_strict_and_every_refusal_says_where(tmp_path, entry, reason):
    assert reason in refusal(tmp_path, entry)


def test_import_refuses_a_line_with_its_number_and_ignores_other_columns():
    good = '{"id": "x", "question": "q", "answer": "a", "lang": "en", "note": "ours"}'
    assert kb.import_jsonl([good]) == [kb.Entry("x", "general", "", {"en": kb.Side("q", "a")})]
    with pytest.raises(kb.KnowledgeBaseError, match=r"^line 2: answer: is required$"):
        kb.import_jsonl([good, '{"id": "y", "question": "q", "lang": "en"}'])
    with pytest.raises(kb.KnowledgeBaseError, match=r"^row 3: question: must be non-empty text"):
        kb.import_csv("id,lang,question,answer\nx,en,q,a\ny,en, ,a\n")


@pytest.fixture
def entries(tmp_path):
    write_kb(tmp_path / "kb")
    return kb.load(tmp_path / "kb")


def test_the_knowledge_base_loads_and_refuses_bad_files(tmp_path, entries):
    assert [e.id for e in entries] == ["ac-transfer-time", "sv-deposit-insurance",
                                       "ln-settlement-certificate"]
    assert entries[0].sides["zh"].texts()[1] == "跨行转账几点能到"
    write_kb(tmp_path / "kb", ENTRIES[:1], name="again.yml")
    with pytest.raises(kb.KnowledgeBaseError, match="already used"):
        kb.load(tmp_path / "kb")
    broken = [{**ENTRIES[0], "zh": {"question": "x", "answer": ""}}]
    write_kb(tmp_path / "broken", broken)
    with pytest.raises(kb.KnowledgeBaseError, match="zh.answer"):
        kb.load(tmp_path / "broken")


def test_the_project_knowledge_base_is_valid_and_bilingual():
    entries = kb.load()
    assert len(entries) >= 200
    for entry in entries:
        assert set(entry.sides) == {"zh", "en"}, entry.id
        for side in entry.sides.values():
            assert len(side.paraphrases) >= 3, entry.id


def test_jsonl_import_and_export_round_trip(entries):
    lines = list(kb.export_jsonl(entries))
    assert json.loads(lines[0])["lang"] == "zh"
    assert kb.import_jsonl(lines) == entries
    with pytest.raises(kb.KnowledgeBaseError, match="line 1: lang"):
        kb.import_jsonl(['{"id": "x", "question": "q", "answer": "a", "lang": "fr"}'])
    with pytest.raises(kb.KnowledgeBaseError, match="line 2: not JSON"):
        kb.import_jsonl(['{"id": "x", "question": "q", "answer": "a", "lang": "en"}', "{oops"])


def test_a_bank_loads_its_own_faq_from_jsonl_and_exports_it_again(tmp_path, entries, capsys):
    faq = tmp_path / "faq.jsonl"
    faq.write_text("\n".join(kb.export_jsonl(entries)), encoding="utf-8")
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    assert kb.main(["import", str(faq), "--into", str(knowledge / "bank.yml")]) == 0
    assert kb.load(knowledge) == entries
    assert kb.main(["import", str(faq), "--into", str(knowledge / "again.yml")]) == 2
    assert "already used" in capsys.readouterr().err
    assert kb.main(["export", "--knowledge", str(knowledge), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out").read_text(encoding="utf-8").splitlines() == \
        list(kb.export_jsonl(entries))
