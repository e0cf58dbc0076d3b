"""Reading and writing the assistant's training data as the repository keeps it.

Two kinds of item: an intent (or FAQ topic such as faq_loan/flexi_loan) with its examples, in
nlu/train/*.yml, and a response with its variations, in bot/domain/*.yml. Writing is the smallest
text edit: the changed item's block is replaced in place, a new one appended to its file, a deleted
one cut out; comments, order and everything else stay as they were. So a change made in the browser
is the diff a developer would have made by hand.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

NLU_DIR, DOMAIN_DIR, HELDOUT_DIR = "nlu/train", "bot/domain", "nlu/test"
# An intent staff add gets its answer through a rule here ("intent, then its response").
RULES_FILE = "bot/data/rules.yml"
# Regular intents are listed in the domain here; FAQ topics are covered by their group's name.
DOMAIN_INTENTS_FILE = "bot/domain/core.yml"
FAQ_GROUPS = ("faq_wealth", "faq_loan", "faq_service")
ENGLISH = [{"type": "slot", "name": "language", "value": "en"}]

_INTENT_LINE = re.compile(r"- intent: (\S+)\s*$")
_RESPONSE_LINE = re.compile(r"  (\S+):\s*$")
_RULE_LINE = re.compile(r"  - rule: (.+?)\s*$")
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
            for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
                if "intent" in block:
                    project.items[f"intent:{block['intent']}"] = {
                        "file": f"{NLU_DIR}/{path.name}",
                        "examples": examples_of(block.get("examples", ""))}
        for path in sorted((root / DOMAIN_DIR).glob("*.yml")):
            domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for name, variations in (domain.get("responses") or {}).items():
                project.items[f"response:{name}"] = {"file": f"{DOMAIN_DIR}/{path.name}",
                                                     "variations": variations}
            project.entities += [e if isinstance(e, str) else next(iter(e))
                                 for e in domain.get("entities") or []]
        rules = root / RULES_FILE
        if rules.exists():
            for rule in (yaml.safe_load(rules.read_text(encoding="utf-8")) or {}).get("rules", []):
                project.items[f"rule:{rule['rule']}"] = {"file": RULES_FILE,
                                                         "steps": rule.get("steps", [])}
        for path in sorted((root / HELDOUT_DIR).glob("*.yml")):
            for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
                for example in examples_of(block.get("examples", "")):
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


# --- writing: the smallest edit to each file --------------------------------------------------

def _intent_block(name: str, examples: list[str]) -> list[str]:
    return [f"- intent: {name}", "  examples: |", *(f"    - {e}" for e in examples)]


def _rule_block(name: str, steps: list[dict]) -> list[str]:
    return [f"  - rule: {name}", "    steps:",
            *(f"      - {kind}: {value}" for step in steps for kind, value in step.items())]


def _quoted(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else json.dumps(value)


def _plain(value: object) -> str:
    return value if isinstance(value, str) and re.fullmatch(r"[A-Za-z_][\w-]*", value) else \
        _quoted(value)


def _response_block(name: str, variations: list[dict], dash: int) -> list[str]:
    """As the domain files write it: condition, text, buttons; `dash` is the list indent (2 or 4).
    Nested lists sit 2 further in when lists are indented, level with their key when not."""
    key = dash + 2
    nested = key + 2 if dash == 4 else key
    lines = [f"  {name}:"]
    for variation in variations:
        order = ["condition", "text", "buttons"]
        fields = sorted(variation, key=lambda f: order.index(f) if f in order else len(order))
        for index, name_ in enumerate(fields):
            prefix = " " * dash + "- " if index == 0 else " " * key
            value = variation[name_]
            if isinstance(value, list):
                lines.append(f"{prefix}{name_}:")
                for entry in value:
                    for position, (k, v) in enumerate(entry.items()):
                        scalar = _plain(v) if name_ == "condition" else _quoted(v)
                        lines.append(" " * nested + ("- " if position == 0 else "  ")
                                     + f"{k}: {scalar}")
            else:
                lines.append(f"{prefix}{name_}: {_quoted(value)}")
    return lines


def _find_block(lines: list[str], start_pattern: re.Pattern, name: str, indent: int,
                begin: int = 0, end: int | None = None, lists_inside: bool = False,
                ) -> tuple[int, int] | None:
    """[first, last) lines of the block whose header names `name`; the block ends at the first
    non-blank line indented `indent` or less (a "- " list item at `indent` itself still belongs to
    a response: some files do not indent lists under their key), trailing blank lines left out."""
    end = len(lines) if end is None else end

    def inside(line: str) -> bool:
        depth = len(line) - len(line.lstrip())
        return not line.strip() or depth > indent or (
            lists_inside and depth == indent and line.lstrip().startswith("- "))

    for first in range(begin, end):
        match = start_pattern.match(lines[first])
        if match and match.group(1) == name:
            last = first + 1
            while last < end and inside(lines[last]):
                last += 1
            while last > first + 1 and not lines[last - 1].strip():
                last -= 1
            return first, last
    return None


def _responses_section(lines: list[str]) -> tuple[int, int]:
    begin = next((i + 1 for i, line in enumerate(lines) if line.rstrip() == "responses:"), None)
    if begin is None:
        lines += ["", "responses:"]
        return len(lines), len(lines)
    end = next((i for i in range(begin, len(lines)) if re.match(r"[A-Za-z_]", lines[i])),
               len(lines))
    while end > begin and not lines[end - 1].strip():
        end -= 1
    return begin, end


def _dash_of(lines: list[str], begin: int, end: int) -> int:
    for line in lines[begin:end]:
        if line.lstrip().startswith("- "):
            return len(line) - len(line.lstrip())
    return 4


def _spaced(lines: list[str]) -> bool:
    """Whether the file leaves a blank line between intent blocks."""
    return any(not lines[i - 1].strip() for i, line in enumerate(lines)
               if i > 0 and _INTENT_LINE.match(line) and lines[i - 2:i - 1] != ["nlu:"])


def _replace(lines: list[str], span: tuple[int, int] | None, new: list[str] | None,
             at: int, spaced: bool) -> None:
    if span and new is not None:
        lines[span[0]:span[1]] = new
    elif span:  # delete, with the blank line that separated it
        first, last = span
        if spaced and first > 0 and not lines[first - 1].strip():
            first -= 1
        elif spaced and last < len(lines) and not lines[last].strip():
            last += 1
        del lines[first:last]
    elif new is not None:
        lines[at:at] = ([""] if spaced else []) + new


def edited_texts(root: Path, project: Project, changes: dict[str, dict | None]
                 ) -> dict[str, str]:
    """The new text of every file `changes` (item key -> new value, None = delete) touches."""
    texts: dict[str, list[str]] = {}

    def lines_of(relative: str) -> list[str]:
        if relative not in texts:
            path = root / relative
            texts[relative] = (path.read_text(encoding="utf-8").splitlines() if path.exists()
                               else ['version: "3.1"', "nlu:" if relative.startswith(NLU_DIR)
                                     else "responses:"])
        return texts[relative]

    for key, new in changes.items():
        kind, name = key.split(":", 1)
        old = project.items.get(key)
        for relative in {value["file"] for value in (old, new) if value}:
            lines = lines_of(relative)
            keep = new if new and new["file"] == relative else None
            if kind == "intent":
                span = _find_block(lines, _INTENT_LINE, name, 0)
                block = _intent_block(name, keep["examples"]) if keep else None
                _replace(lines, span, block, len(lines), _spaced(lines))
            elif kind == "rule":
                span = _find_block(lines, _RULE_LINE, name, 2)
                block = _rule_block(name, keep["steps"]) if keep else None
                _replace(lines, span, block, len(lines), True)
            else:
                begin, end = _responses_section(lines)
                span = _find_block(lines, _RESPONSE_LINE, name, 2, begin, end, True)
                block = (_response_block(name, keep["variations"], _dash_of(lines, begin, end))
                         if keep else None)
                _replace(lines, span, block, end, False)
        if kind == "intent" and "/" not in name and (old is None) != (new is None):
            _list_in_domain(lines_of(DOMAIN_INTENTS_FILE), name, listed=new is not None)
    return {relative: "\n".join(lines) + "\n" for relative, lines in texts.items()}


def _list_in_domain(lines: list[str], intent: str, listed: bool) -> None:
    begin = next(i + 1 for i, line in enumerate(lines) if line.rstrip() == "intents:")
    end = begin
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith(" ")):
        end += 1
    items = [i for i in range(begin, end) if re.fullmatch(r"\s*- " + re.escape(intent), lines[i])]
    if listed and not items:
        last = max(i for i in range(begin, end) if lines[i].lstrip().startswith("- "))
        lines.insert(last + 1, lines[last].split("-")[0] + f"- {intent}")
    elif not listed:
        for index in reversed(items):
            del lines[index]
