"""The knowledge base: entries the retriever answers from, kept as YAML files staff can edit.

One file per area in `retriever/knowledge/` (wealth.yml, loans.yml, ...):

    version: 1
    entries:
      - id: ac-transfer-arrival
        category: account
        source: "demo bank policy"
        zh: {question: "...", paraphrases: ["...", ...], answer: "..."}
        en: {question: "...", paraphrases: ["...", ...], answer: "..."}

A bank loads its own FAQ as JSONL, one line per question and language:
{"id": "...", "question": "...", "answer": "...", "lang": "zh"} (optional "category", "source",
"paraphrases"); `export_jsonl` writes the same form.

EntryRecord is an entry of that format as a pydantic model: loading checks each entry with it, and
the admin API takes and returns it (its OpenAPI schema).
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, Self, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
    with_config,
)
from pydantic_core import PydanticCustomError

LANGUAGES = ("zh", "en")
KNOWLEDGE_DIR = Path(__file__).resolve().parents[1] / "retriever" / "knowledge"


class KnowledgeBaseError(ValueError):
    """A knowledge-base file or line that cannot be used, with the reason."""


# Text is a string (not YAML's yes or 100 read as a bool or a number), stripped, and not empty.
Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
Texts = Annotated[list[Text], Strict()]


# A plain dataclass: code builds sides unchecked (retriever/faq.py, tests); pydantic checks the
# ones read from a file or sent to the admin API, as part of an EntryRecord.
@with_config(ConfigDict(extra="forbid"))
@dataclass
class Side:
    """An entry in one language: its question, other ways customers ask it, and the answer."""

    question: Text
    answer: Text
    paraphrases: Texts = field(default_factory=list)

    def texts(self) -> list[str]:
        """What a customer's question is matched against: the question and its paraphrases."""
        return [self.question, *self.paraphrases]


@dataclass
class Entry:
    id: str
    category: str
    source: str
    sides: dict[str, Side]  # language -> Side
    # The curated FAQ topic this entry restates (retriever/near_faq.py): a question Rasa files
    # under a curated FAQ is then left to that FAQ, not answered from this entry.
    near_faq: str | None = None
    # A curated FAQ topic (retriever/faq.py) is ranked like an entry; Rasa's response answers it.
    response: str | None = None

    def side(self, language: str) -> Side | None:
        return self.sides.get(language)


class EntryRecord(BaseModel):
    """An entry as a knowledge-base file holds it (and the admin API sends and receives it)."""

    # extra="forbid": a misspelt field is an error, not silently dropped.
    model_config = ConfigDict(extra="forbid", strict=True)
    id: Text
    category: str = Field("general", description="Left empty: general")
    source: str = Field("", description="Where the answer comes from")
    near_faq: Text | None = Field(None, description="The curated FAQ topic this entry restates "
                                  "(set by retriever/near_faq.py)")
    zh: Side | None = None
    en: Side | None = None

    @field_validator("category", "source", "near_faq", mode="before")
    @classmethod
    def _default_if_empty(cls, value: object, info: ValidationInfo) -> object:
        # Left empty or null (as the editor's form and a YAML `source:` leave them): the default.
        return value or cls.model_fields[str(info.field_name)].default

    @model_validator(mode="after")
    def _a_side(self) -> Self:
        if not (self.zh or self.en):
            raise PydanticCustomError("no_side", "needs a zh or en side")
        return self

    def entry(self) -> Entry:
        sides = {language: side for language in LANGUAGES if (side := getattr(self, language))}
        return Entry(self.id, self.category, self.source, sides, self.near_faq)


_SAYS = {"missing": "is required", "extra_forbidden": "unknown field",
         "unexpected_keyword_argument": "unknown field", "string_type": "must be text",
         "string_too_short": "must be non-empty text", "list_type": "must be a list",
         "model_type": "must be a mapping", "dataclass_type": "must be a mapping",
         "literal_error": "must be {expected}"}


def _reasons(error: ValidationError) -> str:
    """'zh.answer: is required; ...': each problem pydantic found, where it is, in plain words."""
    said = []
    for problem in error.errors():
        place = "".join(f" #{part + 1}" if isinstance(part, int) else f".{part}"
                        for part in problem["loc"]).lstrip(".")
        says = _SAYS[problem["type"]].format(**problem.get("ctx", {})) \
            if problem["type"] in _SAYS else problem["msg"]
        said.append(f"{place}: {says}" if place else says)
    return "; ".join(said)


_Model = TypeVar("_Model", bound=BaseModel)


def _checked(model: type[_Model], data: object, where: str) -> _Model:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise KnowledgeBaseError(f"{where}: {_reasons(error)}") from error


def entry_from_dict(data: object, where: str) -> Entry:
    named = data.get("id") if isinstance(data, dict) else None
    if isinstance(named, str) and named.strip():
        where = f"{where} {named.strip()}"
    return _checked(EntryRecord, data, where).entry()


def entry_to_dict(entry: Entry) -> dict:
    """The entry as its file writes it, in the file's order (question, paraphrases, answer)."""
    data: dict = {"id": entry.id, "category": entry.category, "source": entry.source}
    if entry.near_faq:
        data["near_faq"] = entry.near_faq
    for language in LANGUAGES:
        side = entry.sides.get(language)
        if side:
            data[language] = {"question": side.question, "paraphrases": list(side.paraphrases),
                              "answer": side.answer}
    return data


def load_file(path: Path) -> list[Entry]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise KnowledgeBaseError(f"{path.name}: not valid YAML ({error})") from error
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise KnowledgeBaseError(f"{path.name}: needs a list of entries")
    return [entry_from_dict(item, f"{path.name} #{number}")
            for number, item in enumerate(entries, 1)]


def load(directory: Path = KNOWLEDGE_DIR) -> list[Entry]:
    """Every entry of every *.yml file in `directory`, ids unique across files."""
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        for entry in load_file(path):
            if entry.id in seen:
                raise KnowledgeBaseError(
                    f"{path.name}: id {entry.id} is already used in {seen[entry.id]}")
            seen[entry.id] = path.name
            entries.append(entry)
    return entries


def save_file(path: Path, entries: Iterable[Entry]) -> None:
    """Writes entries in a stable order and format, so an edit is a clean diff."""
    data = {"version": 1, "entries": [entry_to_dict(entry) for entry in entries]}
    # One line per text (no folding), so a changed answer is a one-line diff.
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000, indent=2)
    # An unchanged file is not touched: its time stamp decides whether make fine-tunes again.
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


class _Line(BaseModel):
    """One language of an entry, as a JSONL line or a CSV row has it; other keys are ignored."""

    model_config = ConfigDict(strict=True)
    id: Text
    lang: Literal["zh", "en"]
    question: Text
    answer: Text
    paraphrases: Texts | None = None
    category: str | None = None
    source: str | None = None


def _from_rows(rows: Iterable[tuple[str, object]]) -> list[Entry]:
    """Entries from (where, {"id", "question", "answer", "lang", ...}) rows; rows with the same
    id are the languages of one entry."""
    by_id: dict[str, dict] = {}
    for where, item in rows:
        line = _checked(_Line, item, where)
        data = by_id.setdefault(line.id, line.model_dump(include={"id", "category", "source"}))
        if line.lang in data:
            raise KnowledgeBaseError(f"{where}: {line.id} has two {line.lang} lines")
        data[line.lang] = {"question": line.question, "answer": line.answer,
                           "paraphrases": line.paraphrases or []}
    return [entry_from_dict(data, "id") for data in by_id.values()]


def import_jsonl(lines: Iterable[str]) -> list[Entry]:
    """Entries from JSONL lines {"id", "question", "answer", "lang"}; lines with the same id
    are the languages of one entry."""
    def rows() -> Iterator[tuple[str, object]]:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                yield f"line {number}", json.loads(line)
            except json.JSONDecodeError as error:
                raise KnowledgeBaseError(f"line {number}: not JSON ({error.msg})") from error

    return _from_rows(rows())


CSV_COLUMNS = ("id", "lang", "question", "answer", "paraphrases", "category", "source")
PARAPHRASE_SEPARATOR = " | "


def import_csv(text: str) -> list[Entry]:
    """Entries from CSV with the columns CSV_COLUMNS (paraphrases separated by " | "), a row
    per entry and language, as a spreadsheet keeps them."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in ("id", "lang", "question", "answer")
               if column not in (reader.fieldnames or [])]
    if missing:
        raise KnowledgeBaseError(f"CSV: missing column(s) {', '.join(missing)}")
    return _from_rows(
        (f"row {number}", {**row, "paraphrases": [p.strip() for p in (
            row.get("paraphrases") or "").split(PARAPHRASE_SEPARATOR.strip()) if p.strip()]})
        for number, row in enumerate(reader, 2))


def export_jsonl(entries: Iterable[Entry]) -> Iterator[str]:
    for entry in entries:
        for language in LANGUAGES:
            side = entry.sides.get(language)
            if side:
                yield json.dumps({"id": entry.id, "question": side.question,
                                  "answer": side.answer, "lang": language,
                                  "category": entry.category, "source": entry.source,
                                  "paraphrases": side.paraphrases}, ensure_ascii=False)


def export_csv(entries: Iterable[Entry]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for line in export_jsonl(entries):
        row = json.loads(line)
        writer.writerow({**row, "paraphrases": PARAPHRASE_SEPARATOR.join(row["paraphrases"])})
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """python -m core.knowledge_base import FAQ.jsonl --into retriever/knowledge/bank.yml
    python -m core.knowledge_base export [--out FILE]   (JSONL on standard output by default)"""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m core.knowledge_base", description=main.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="JSONL lines -> a knowledge-base file")
    importing.add_argument("source", type=Path)
    importing.add_argument("--into", type=Path, required=True)
    exporting = commands.add_parser("export", help="the knowledge base -> JSONL lines")
    exporting.add_argument("--knowledge", type=Path, default=KNOWLEDGE_DIR)
    exporting.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "import":
            entries = import_jsonl(args.source.read_text(encoding="utf-8").splitlines())
            taken = {entry.id for entry in load(args.into.parent)} if args.into.parent.is_dir() \
                else set()
            if args.into.exists():
                taken -= {entry.id for entry in load_file(args.into)}
            clashes = sorted(taken & {entry.id for entry in entries})
            if clashes:
                raise KnowledgeBaseError(f"ids already used in other files: {', '.join(clashes)}")
            save_file(args.into, entries)
            print(f"{len(entries)} entries written to {args.into}")
        else:
            lines = "".join(line + "\n" for line in export_jsonl(load(args.knowledge)))
            if args.out:
                args.out.write_text(lines, encoding="utf-8")
            else:
                sys.stdout.write(lines)
    except (KnowledgeBaseError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
