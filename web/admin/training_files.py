"""Reading and writing the assistant's training data as the repository keeps it.

Three kinds of item: an intent (or FAQ topic such as faq_loan/flexi_loan) with its examples, in
nlu/train/*.yml, a response with its variations, in bot/domain/*.yml, and a rule with its steps, in
bot/data/rules.yml. Files go through ruamel.yaml's round trip, which keeps comments, order, quoting
and block literals, in each file's own indentation. A write changes only the changed item (its new
values merged into what is there, a new one appended, a deleted one cut out), so a change made in
the browser is the diff a developer would have made by hand.
"""

import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

NLU_DIR, DOMAIN_DIR, HELDOUT_DIR = "nlu/train", "bot/domain", "nlu/test"
# An intent staff add gets its answer through a rule here ("intent, then its response").
RULES_FILE = "bot/data/rules.yml"
# Regular intents are listed in the domain here; FAQ topics are covered by their group's name.
DOMAIN_INTENTS_FILE = "bot/domain/core.yml"
FAQ_GROUPS = ("faq_wealth", "faq_loan", "faq_service")
ENGLISH = [{"type": "slot", "name": "language", "value": "en"}]

# Rasa's entity markup: [span](entity) or [span]{"entity": ..., "value": ...}
_MARKUP = re.compile(r"\[(?P<span>[^\]]+)\](?:\((?P<entity>[^)]+)\)|(?P<json>\{[^}]*\}))")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


# --- examples and their entity markup ---------------------------------------------------------

def parse_example(markup: str) -> dict:
    """`[0428](card)的余额` -> {"text": "0428的余额", "entities": [{start, end, entity, value}]}"""
    text, entities, last = "", [], 0
    for match in _MARKUP.finditer(markup):
        text += markup[last:match.start()]
        span = match["span"]
        details = json.loads(match["json"]) if match["json"] else {"entity": match["entity"]}
        entities.append({"start": len(text), "end": len(text) + len(span),
                         "entity": details["entity"], "value": details.get("value", span),
                         **{k: v for k, v in details.items() if k in ("role", "group")}})
        text += span
        last = match.end()
    return {"text": text + markup[last:], "entities": entities}


def render_example(text: str, entities: list[dict]) -> str:
    out, last = "", 0
    for entity in sorted(entities, key=lambda e: e["start"]):
        span = text[entity["start"]:entity["end"]]
        extra = {k: entity[k] for k in ("role", "group") if entity.get(k)}
        out += text[last:entity["start"]]
        if entity.get("value", span) == span and not extra:
            out += f"[{span}]({entity['entity']})"
        else:
            details = {"entity": entity["entity"], "value": entity.get("value", span), **extra}
            out += f"[{span}]{json.dumps(details, ensure_ascii=False)}"
        last = entity["end"]
    return out + text[last:]


def language_of(text: str) -> str:
    """zh when it has Chinese characters, en when it has Latin letters only, else either."""
    return "zh" if _CJK.search(text) else "en" if _LATIN.search(text) else "any"


def normalised(text: str) -> str:
    return " ".join(parse_example(text)["text"].casefold().split())


# --- files, round trip --------------------------------------------------------------------------

class _Representer(RoundTripRepresenter):
    """Writes None as `null`, as Rasa's files do (ruamel's default is an empty value)."""


_Representer.add_representer(type(None), lambda representer, _: representer.represent_scalar(
    "tag:yaml.org,2002:null", "null"))


def _yaml() -> YAML:
    yaml = YAML()
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # long answers stay on their one line
    return yaml


@dataclass
class Document:
    """One YAML file as loaded, dumped in its own indentation: the repository has two styles,
    lists level with their key (sequence 2, offset 0) and indented under it (4, 2)."""

    data: Any
    sequence: int = 2
    offset: int = 0

    @classmethod
    def parse(cls, text: str) -> "Document":
        data, sequence, offset = load_yaml_guess_indent(text, yaml=_yaml())
        return cls(data, sequence or 2, offset or 0)

    def dump(self) -> str:
        yaml, out = _yaml(), io.StringIO()
        yaml.indent(mapping=2, sequence=self.sequence, offset=self.offset)
        yaml.dump(self.data, out)
        return out.getvalue()


def _read(path: Path) -> dict:
    """Plain data, as Rasa reads it (ruamel's safe loader); only writing needs the round trip."""
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")) or {}


# --- the project as items ---------------------------------------------------------------------

@dataclass
class Project:
    """The training data under `root` as items: "intent:NAME" -> {"file", "examples"},
    "response:NAME" -> {"file", "variations"} and "rule:NAME" -> {"file", "steps"}, plus what
    checks need to know."""

    root: Path
    items: dict[str, dict] = field(default_factory=dict)
    entities: list[str] = field(default_factory=list)
    heldout: dict[str, str] = field(default_factory=dict)  # normalised text -> its intent

    @classmethod
    def load(cls, root: Path) -> "Project":
        project = cls(root)
        for path in sorted((root / NLU_DIR).glob("*.yml")):
            for block in _read(path).get("nlu") or []:
                if "intent" in block:
                    project.items[f"intent:{block['intent']}"] = {
                        "file": f"{NLU_DIR}/{path.name}",
                        "examples": examples_of(block.get("examples") or "")}
        for path in sorted((root / DOMAIN_DIR).glob("*.yml")):
            domain = _read(path)
            for name, variations in (domain.get("responses") or {}).items():
                project.items[f"response:{name}"] = {"file": f"{DOMAIN_DIR}/{path.name}",
                                                     "variations": variations}
            project.entities += [e if isinstance(e, str) else next(iter(e))
                                 for e in domain.get("entities") or []]
        if (root / RULES_FILE).exists():
            for rule in _read(root / RULES_FILE).get("rules") or []:
                project.items[f"rule:{rule['rule']}"] = {"file": RULES_FILE,
                                                         "steps": rule.get("steps", [])}
        for path in sorted((root / HELDOUT_DIR).glob("*.yml")):
            for block in _read(path).get("nlu") or []:
                for example in examples_of(block.get("examples") or ""):
                    project.heldout[normalised(example)] = block.get("intent", "")
        return project

    def intents(self) -> dict[str, dict]:
        return {key.split(":", 1)[1]: value for key, value in self.items.items()
                if key.startswith("intent:")}

    def responses(self) -> dict[str, dict]:
        return {key.split(":", 1)[1]: value for key, value in self.items.items()
                if key.startswith("response:")}


def examples_of(block: str) -> list[str]:
    return [line.strip()[2:].strip() for line in block.splitlines()
            if line.strip().startswith("- ")]


def texts_of(variations: list[dict]) -> dict[str, str]:
    """A response's Chinese (the unconditioned variation) and English text."""
    texts = {}
    for variation in variations:
        texts["en" if variation.get("condition") == ENGLISH else "zh"] = variation.get("text", "")
    return texts


def with_texts(variations: list[dict], texts: dict[str, str]) -> list[dict]:
    """The variations with new texts, keeping buttons and conditions."""
    variations = [dict(v) for v in variations] or [{}, {"condition": ENGLISH}]
    for variation in variations:
        language = "en" if variation.get("condition") == ENGLISH else "zh"
        if language in texts:
            variation["text"] = texts[language]
    return variations


# --- writing: only the changed item -----------------------------------------------------------
# The blank line or comment that follows an item is kept by ruamel on the item's last scalar (its
# "end"): adding or removing an item moves that end so the spacing around it stays as it was.

def _keys(node: Any) -> list:
    return list(node) if isinstance(node, CommentedMap) else list(range(len(node)))


def _end(node: Any, key: Any) -> tuple[list, int]:
    """Where what follows node[key] is kept: (comment slots of its last scalar, which slot)."""
    while isinstance(node[key], (CommentedMap, CommentedSeq)) and node[key]:
        node, key = node[key], _keys(node[key])[-1]
    return node.ca.items.setdefault(key, [None] * 4), 2 if isinstance(node, CommentedMap) else 0


def _gap(end: Any) -> str:
    """The line breaks that open what follows an item: blank lines (and, after a plain scalar,
    the break of its own line), not the comment."""
    return "" if end is None else end.value[:len(end.value) - len(end.value.lstrip("\n"))]


def _add(container: Any, key: Any, value: Any) -> None:
    """Appends value (at key in a mapping), spaced from the one before as most items are."""
    keys = _keys(container)
    if isinstance(container, CommentedMap):
        container[key] = value
    else:
        container.append(value)
        key = len(container) - 1
    if keys:  # the file's end moves to the new item; the old last one gets the usual gap
        gaps = Counter(_gap(slots[slot]) for slots, slot in (_end(container, k) for k in keys[:-1]))
        gap = gaps.most_common(1)[0][0] if gaps else ""
        (new, at), (last, slot) = _end(container, key), _end(container, keys[-1])
        new[at], last[slot] = last[slot], CommentToken(gap, CommentMark(0)) if gap else None


def _remove(parent: Any, name: Any, key: Any) -> None:
    """Deletes parent[name][key] with the comment above it; the one below it stays."""
    container = parent[name]
    keys = _keys(container)
    (gone, at), index = _end(container, key), keys.index(key)
    if index > 0:
        before, slot = _end(container, keys[index - 1])
        before[slot] = gone[at]
    elif len(keys) > 1:  # the comment below it now opens the list
        end = gone[at]
        comment = end.value[len(_gap(end)):] if end is not None else ""
        opening = [CommentToken(comment, CommentMark(0))] if comment else None
        container.ca.comment = [None, opening]
        if isinstance(parent, CommentedMap) and name in parent.ca.items:  # it comes first
            parent.ca.items[name][3] = opening
    del container[key]
    if isinstance(container, CommentedMap):
        container.ca.items.pop(key, None)


def _node(value: Any, quote: bool) -> Any:
    """New YAML for value; responses quote their strings as the domain files do, but not the
    values in a slot condition."""
    if isinstance(value, dict):
        return CommentedMap((k, _node(v, quote and k != "condition")) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_node(v, quote) for v in value)
    return DoubleQuotedScalarString(value) if quote and isinstance(value, str) else value


def _merge(parent: Any, key: Any, value: Any, quote: bool) -> None:
    """parent[key] = value, leaving what is equal as it was (with its comments and quoting)."""
    old = parent[key]
    if isinstance(old, CommentedMap) and isinstance(value, dict):
        for gone in [k for k in old if k not in value]:
            _remove(parent, key, gone)
        for k, v in value.items():
            if k in old:
                _merge(old, k, v, quote and k != "condition")
            else:
                _add(old, k, _node(v, quote and k != "condition"))
    elif isinstance(old, CommentedSeq) and isinstance(value, list):
        while len(old) > len(value):
            _remove(parent, key, len(old) - 1)
        for index, v in enumerate(value):
            if index < len(old):
                _merge(old, index, v, quote)
            else:
                _add(old, None, _node(v, quote))
    elif isinstance(old, str) and isinstance(value, str):
        if old != value:  # in the old one's style: plain, quoted, block literal
            parent[key] = type(old)(value)
    elif old != value:
        parent[key] = _node(value, quote)


_SECTIONS = {"intent": ("nlu", "intent", "examples"), "rule": ("rules", "rule", "steps"),
             "response": ("responses", None, "variations")}


def _write(data: Any, kind: str, name: str, value: dict | None) -> None:
    """The item `kind:name` in a file's data set to value (None: removed)."""
    section, label, part = _SECTIONS[kind]
    container = data.get(section)
    at = None if container is None else next(
        (k for k in _keys(container) if (container[k].get(label) if label else k) == name), None)
    if value is None:
        if at is not None:
            _remove(data, section, at)
        return
    content = value[part]
    if kind == "intent":  # Rasa's style: the examples as one block literal
        content = LiteralScalarString("".join(f"- {e}\n" for e in content))
    quote = kind == "response"
    if at is not None and label:
        _merge(container[at], part, content, quote)
    elif at is not None:
        _merge(container, at, content, quote)
    else:
        new = _node({label: name, part: content} if label else content, quote)
        if container is None:  # the file has no such section yet
            _add(data, section, CommentedSeq([new]) if label else CommentedMap([(name, new)]))
        else:
            _add(container, name, new)


def edited_texts(root: Path, project: Project, changes: dict[str, dict | None]
                 ) -> dict[str, str]:
    """The new text of every file `changes` (item key -> new value, None = delete) touches."""
    documents: dict[str, Document] = {}

    def document(relative: str) -> Document:
        if relative not in documents:
            path = root / relative
            documents[relative] = (
                Document.parse(path.read_text(encoding="utf-8")) if path.exists()
                else Document(CommentedMap(version=DoubleQuotedScalarString("3.1"))))
        return documents[relative]

    for key, new in changes.items():
        kind, name = key.split(":", 1)
        old = project.items.get(key)
        for relative in {value["file"] for value in (old, new) if value}:
            keep = new if new and new["file"] == relative else None
            _write(document(relative).data, kind, name, keep)
        if kind == "intent" and "/" not in name and (old is None) != (new is None):
            domain = document(DOMAIN_INTENTS_FILE).data
            if new is None:
                for index in reversed([i for i, e in enumerate(domain["intents"]) if e == name]):
                    _remove(domain, "intents", index)
            elif name not in domain["intents"]:
                _add(domain["intents"], None, name)
    return {relative: document.dump() for relative, document in documents.items()}
