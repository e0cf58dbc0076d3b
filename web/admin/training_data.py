"""Staff edit intents, examples, responses and curated FAQ topics; nothing wrong is ever written.

A change is a set of new item states (web/admin/training_files.py). Before anything is written it
must pass, in order: the project's own rules (both languages, no example under two intents, no
held-out question used for training, no empty answer, every FAQ topic with its answer, known
entities), then Rasa itself (`rasa data validate` on a scratch copy, by the always-warm checker
service, bot/checker.py). Only then are the files replaced, each through a temporary file, and the
change recorded with its diff so it can be undone.
"""

import hashlib
import json
import re
import shutil
import tempfile
import threading
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import httpx
import yaml

from core.rasa_files import placeholders
from web.admin import training_files as files
from web.admin.changes import ChangeLog
from web.admin.knowledge import EditConflict, EditRefused, NotFound

KIND = "training-data"
_INTENT_NAME = re.compile(r"[a-z][a-z0-9_]{1,62}")
_TOPIC_NAME = re.compile(r"(" + "|".join(files.FAQ_GROUPS) + r")/[a-z][a-z0-9_]{1,62}")
SCRATCH_PARTS = ("config.yml", "bot/domain", "bot/data", "nlu/train", "nlu/test")


def copy_training_data(source: Path, target: Path, parts: tuple[str, ...] = SCRATCH_PARTS) -> Path:
    """The training data under `source` (config, domain, stories, NLU, held-out) copied under
    `target`: a scratch copy to check a change on, or a snapshot to train from."""
    for part in parts:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part)
        elif (source / part).exists():
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
    return target


class CheckerUnavailable(RuntimeError):
    """Rasa's validation could not run; nothing is written without it."""


def version_of(value: dict | None) -> str:
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def problems_in(project: files.Project) -> list[str]:
    """The project's own rules, on the whole of the training data."""
    problems = []
    owners: dict[str, set[str]] = defaultdict(set)
    known_entities = set(project.entities)
    for name, intent in project.intents().items():
        if not (_INTENT_NAME.fullmatch(name) or _TOPIC_NAME.fullmatch(name)):
            problems.append(f"{name}: an intent name is 2-63 lower-case letters, digits and _ "
                            f"(an FAQ topic: one of {', '.join(files.FAQ_GROUPS)}, then /name)")
        languages = set()
        for example in intent["examples"]:
            parsed = files.parse_example(example)
            if not parsed["text"].strip():
                problems.append(f"{name}: an example is empty")
                continue
            languages.add(files.language_of(parsed["text"]))
            key = files.normalised(example)
            if name in owners[key]:
                problems.append(f"{name}: 「{parsed['text']}」 is listed twice")
            owners[key].add(name)
            if key in project.heldout:
                problems.append(f"{name}: 「{parsed['text']}」 is a held-out test question; "
                                "training on it would hide how well the assistant really does")
            for entity in parsed["entities"]:
                if entity["entity"] not in known_entities:
                    problems.append(f"{name}: 「{parsed['text']}」 marks an unknown entity "
                                    f"{entity['entity']} (known: {', '.join(project.entities)})")
        for language, label in (("zh", "Chinese"), ("en", "English")):
            if language not in languages:
                problems.append(f"{name}: needs at least one {label} example")
        if "/" in name and f"utter_{name}" not in project.responses():
            problems.append(f"{name}: an FAQ topic needs its answer, utter_{name}")
    for key, names in owners.items():
        if len(names) > 1:
            problems.append(f"「{key}」 is an example of {' and '.join(sorted(names))}; "
                            "an example belongs to one intent only")
    intents = project.intents()
    for name, response in project.responses().items():
        texts = files.texts_of(response["variations"])
        for language, label in (("zh", "Chinese"), ("en", "English")):
            if not str(texts.get(language) or "").strip():
                problems.append(f"{name}: the {label} answer is empty")
        zh, en = (placeholders(str(texts.get(language) or "")) for language in ("zh", "en"))
        if zh != en:
            problems.append(f"{name}: both languages must fill in the same figures "
                            f"({', '.join('{' + p + '}' for p in sorted(zh ^ en))} is in one only)")
        topic = name.removeprefix("utter_")
        if topic.split("/")[0] in files.FAQ_GROUPS and "/" in topic and topic not in intents:
            problems.append(f"{name}: answers an FAQ topic {topic} that has no examples")
    return problems


class RasaChecker:
    """Client of bot/checker.py: Rasa's verdict on a scratch copy of the project."""

    def __init__(self, http: httpx.Client, timeout: float = 120) -> None:
        self.http, self.timeout = http, timeout  # http: the app's client, base_url the checker

    def problems(self, scratch: Path, baseline: Path) -> list[str]:
        try:
            response = self.http.post("/check", timeout=self.timeout,
                                      json={"root": str(scratch), "baseline": str(baseline)})
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise CheckerUnavailable(
                "Rasa's validation service is not answering, so nothing was saved. "
                f"Try again in a minute. ({error})") from error
        verdict = response.json()
        return [] if verdict["ok"] else verdict["problems"] or ["Rasa refused the data."]


class TrainingDataEditor:
    def __init__(self, root: Path, log: ChangeLog, checker: RasaChecker) -> None:
        self.root, self.log, self.checker = root, log, checker
        self._lock = threading.Lock()

    def project(self) -> files.Project:
        return files.Project.load(self.root)

    def item(self, key: str) -> dict:
        value = self.project().items.get(key)
        if value is None:
            kind, name = key.split(":", 1)
            raise NotFound(f"There is no {kind} {name}.")
        return value

    # --- operations staff use ---------------------------------------------------------------

    def create_intent(self, name: str, examples: list[str], answer: dict[str, str],
                      file: str | None, username: str) -> dict:
        """A new intent answered by a new response through a rule (intent, then the response),
        all written together. FAQ topics go through create_faq."""
        if not _INTENT_NAME.fullmatch(name):
            raise EditRefused("name: 2-63 lower-case letters, digits and _ (FAQ topics are "
                              "created as FAQ topics)")
        file = file or f"{files.NLU_DIR}/general.yml"
        if not re.fullmatch(re.escape(files.NLU_DIR) + r"/[a-z0-9_]+\.yml", file):
            raise EditRefused(f"file: choose one of the files in {files.NLU_DIR}/")
        keys = (f"intent:{name}", f"response:utter_{name}", f"rule:{name}")
        self.apply(dict(zip(keys, (
            {"file": file, "examples": examples},
            {"file": f"{files.DOMAIN_DIR}/general.yml",
             "variations": files.with_texts([], answer)},
            {"file": files.RULES_FILE,
             "steps": [{"intent": name}, {"action": f"utter_{name}"}]}), strict=True)),
            dict.fromkeys(keys), username, "create", name)
        return self.item(keys[0])

    def update_intent(self, name: str, examples: list[str], version: str, username: str) -> dict:
        key = f"intent:{name}"
        current = self.item(key)
        self.apply({key: {**current, "examples": examples}}, {key: version}, username,
                   "update", name)
        return self.item(key)

    def delete_intent(self, name: str, version: str, username: str) -> None:
        changes: dict[str, dict | None] = {f"intent:{name}": None}
        versions: dict[str, str | None] = {f"intent:{name}": version}
        project = self.project()
        # Its answer and the rule that gives it go too (an FAQ topic's answer is utter_<topic>).
        for key in (f"response:utter_{name}", f"rule:{name}"):
            if key in project.items:
                changes[key] = None
        self.apply(changes, versions, username, "delete", name)

    def add_example(self, name: str, example: str, username: str) -> dict:
        """One more example (from conversation review): no version needed, it only adds."""
        key = f"intent:{name}"
        current = self.item(key)
        if files.normalised(example) in map(files.normalised, current["examples"]):
            raise EditRefused(f"text: {name} already has this example")
        self.apply({key: {**current, "examples": [*current["examples"], example]}}, {},
                   username, "add example", name)
        return self.item(key)

    def move_example(self, text: str, source: str, target: str, username: str) -> None:
        origin, destination = self.item(f"intent:{source}"), self.item(f"intent:{target}")
        wanted = files.normalised(text)
        moving = [e for e in origin["examples"] if files.normalised(e) == wanted]
        if not moving:
            raise NotFound(f"{source} has no example 「{text}」.")
        self.apply({
            f"intent:{source}": {**origin, "examples": [e for e in origin["examples"]
                                                        if e not in moving]},
            f"intent:{target}": {**destination,
                                 "examples": [*destination["examples"], *moving]},
        }, {}, username, "move example", f"{source} → {target}")

    def update_response(self, name: str, texts: dict[str, str], version: str,
                        username: str) -> dict:
        key = f"response:{name}"
        current = self.item(key)
        before = set().union(*(placeholders(str(text)) for text in
                               files.texts_of(current["variations"]).values()))
        for language, text in texts.items():
            if placeholders(text) != before:
                # The actions pass exactly these: a new one stays empty, a dropped one is lost.
                raise EditRefused(f"{language}: keep the figures "
                                  f"{' '.join('{' + p + '}' for p in sorted(before)) or '(none)'}"
                                  " as they are; the assistant fills them in")
        new = {**current, "variations": files.with_texts(current["variations"], texts)}
        self.apply({key: new}, {key: version}, username, "update", name)
        return self.item(key)

    def create_faq(self, name: str, examples: list[str], answer: dict[str, str],
                   username: str) -> None:
        if not _TOPIC_NAME.fullmatch(name):
            raise EditRefused(f"name: an FAQ topic is one of {', '.join(files.FAQ_GROUPS)}, "
                              "then / and 2-63 lower-case letters, digits and _")
        group = name.split("/")[0]
        self.apply({
            f"intent:{name}": {"file": f"{files.NLU_DIR}/{group}.yml", "examples": examples},
            f"response:utter_{name}": {"file": f"{files.DOMAIN_DIR}/{group}.yml",
                                       "variations": files.with_texts([], answer)},
        }, {f"intent:{name}": None, f"response:utter_{name}": None}, username, "create", name)

    def import_yaml(self, text: str, username: str) -> dict[str, int]:
        """Rasa's NLU and responses YAML: new intents and responses are created, known intents
        get the examples they lack, known responses take the imported variations. All or
        nothing."""
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as error:
            raise EditRefused(f"This is not YAML: {error}") from error
        if not isinstance(data, dict) or not (data.get("nlu") or data.get("responses")):
            raise EditRefused("Expected Rasa training data: `nlu:` with intents and examples, "
                              "and/or `responses:`.")
        project = self.project()
        changes: dict[str, dict | None] = {}
        for block in data.get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue
            name, key = block["intent"], f"intent:{block['intent']}"
            new = files.examples_of(block.get("examples") or "")
            current = project.items.get(key)
            if current is None:
                group = name.split("/")[0]
                file = f"{files.NLU_DIR}/{group if '/' in name else 'general'}.yml"
                changes[key] = {"file": file, "examples": new}
            else:
                known = set(map(files.normalised, current["examples"]))
                extra = [e for e in new if files.normalised(e) not in known]
                if extra:
                    changes[key] = {**current, "examples": [*current["examples"], *extra]}
        for name, variations in (data.get("responses") or {}).items():
            key = f"response:{name}"
            current = project.items.get(key)
            group = name.removeprefix("utter_").split("/")[0]
            file = current["file"] if current else (
                f"{files.DOMAIN_DIR}/{group}.yml" if group in files.FAQ_GROUPS
                else f"{files.DOMAIN_DIR}/general.yml")
            if not current or current["variations"] != variations:
                changes[key] = {"file": file, "variations": variations}
        if changes:
            self.apply(changes, {}, username, "import", f"{len(changes)} items")
        return {"created": sum(k not in project.items for k in changes),
                "updated": sum(k in project.items for k in changes)}

    def export_yaml(self) -> str:
        project = self.project()
        nlu = [{"intent": name, "examples": "".join(f"- {e}\n" for e in intent["examples"])}
               for name, intent in project.intents().items()]
        responses = {name: r["variations"] for name, r in project.responses().items()}
        return yaml.safe_dump({"version": "3.1", "nlu": nlu, "responses": responses},
                              allow_unicode=True, sort_keys=False, width=1_000_000)

    def undo(self, change_id: int, username: str) -> None:
        change = self.log.get(change_id)
        # A training-data change always records the items before and after.
        if change is None or change.kind != KIND or change.before is None or change.after is None:
            raise NotFound(f"There is no training-data change #{change_id}.")
        project = self.project()
        after, before = change.after["items"], change.before["items"]
        if any(project.items.get(key) != value for key, value in after.items()):
            raise EditConflict(f"{change.item} was changed again after #{change_id}; undo the "
                               "later change first.")
        self.apply(before, {}, username, f"undo #{change_id}", change.item)

    # --- the one way anything is written -----------------------------------------------------

    def apply(self, changes: Mapping[str, dict | None], versions: Mapping[str, str | None],
              username: str, action: str, label: str) -> dict[str, dict | None]:
        """Checks `changes` (item key -> new state, None = delete) and writes them, or refuses
        with the reason. `versions` are the versions the editor saw (None = must not exist)."""
        with self._lock:
            project = self.project()
            for key, version in versions.items():
                current = project.items.get(key)
                if version is None and current is not None:
                    raise EditRefused(f"{key.split(':', 1)[1]} already exists")
                if version is not None and current is None:
                    raise NotFound(f"There is no {key.replace(':', ' ')}.")
                if version is not None and version != version_of(current):
                    raise EditConflict(f"{key.split(':', 1)[1]} was changed by someone else "
                                       "since you opened it. Reload it and make your edit again.")
            changes = {k: v for k, v in changes.items() if project.items.get(k) != v}
            if not changes:
                return {k: project.items.get(k) for k in versions} or {}
            texts = files.edited_texts(self.root, project, changes)
            with tempfile.TemporaryDirectory(prefix="an-check-") as scratch_dir:
                scratch = copy_training_data(self.root, Path(scratch_dir))
                for relative, text in texts.items():
                    (scratch / relative).parent.mkdir(parents=True, exist_ok=True)
                    (scratch / relative).write_text(text, encoding="utf-8")
                proposed = files.Project.load(scratch)
                for key, value in changes.items():  # the edit wrote exactly what was meant
                    if proposed.items.get(key) != value:
                        raise EditRefused(f"{key}: could not be written as given")
                problems = problems_in(proposed) or self.checker.problems(scratch, self.root)
            if problems:
                raise EditRefused("; ".join(problems[:10]))
            for relative, text in texts.items():
                path = self.root / relative
                temporary = path.with_name(f".{path.name}.saving")
                temporary.write_text(text, encoding="utf-8")
                temporary.replace(path)
            self.log.record(username, KIND, label, action,
                            {"items": {k: project.items.get(k) for k in changes}},
                            {"items": changes})
            return {k: proposed.items.get(k) for k in {*changes, *versions}}
