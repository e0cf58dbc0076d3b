"""Editing the retriever's knowledge base (retriever/knowledge/*.yml) the way staff need it.

Every save is checked before anything is written: the entry must have both languages, a question,
an answer and at least MIN_PARAPHRASES paraphrases in each, and an id no other entry has; then the
whole knowledge base must still load. The file is written with kb.save_file (stable order and
format, so the change is a clean diff) through a temporary file, so a failed save changes nothing.
Each entry has a version (a hash of its content): a save names the version it was made from, and
a save from an older version is refused as a conflict instead of overwriting someone's edit.
The running retriever picks the change up within seconds (its own watcher); Rasa needs no training.
"""

import hashlib
import json
import re
import threading
from pathlib import Path

from core import knowledge_base as kb
from web.admin.changes import ChangeLog

MIN_PARAPHRASES = 3
_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")
KIND = "knowledge"


class EditRefused(ValueError):
    """An edit that would make the knowledge base wrong; the message says why."""


class EditConflict(RuntimeError):
    """The item changed since the editor loaded it."""


class NotFound(LookupError):
    pass


HTTP_STATUS = {EditRefused: 422, EditConflict: 409, NotFound: 404}  # what the API answers


def version_of(entry: kb.Entry) -> str:
    canonical = json.dumps(kb.entry_to_dict(entry), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def checked(data: dict) -> kb.Entry:
    """The entry, if it is one the assistant may answer with."""
    try:
        entry = kb.entry_from_dict(data, "entry")
    except kb.KnowledgeBaseError as error:
        raise EditRefused(str(error).removeprefix("entry ")) from error
    if not _ID.fullmatch(entry.id):
        raise EditRefused("id: use 2-64 lower-case letters, digits and hyphens")
    for language in kb.LANGUAGES:
        if language not in entry.sides:
            raise EditRefused(f"{language}: every entry needs both Chinese and English")
    for language, side in entry.sides.items():
        if len(side.paraphrases) < MIN_PARAPHRASES:
            raise EditRefused(f"{language}.paraphrases: at least {MIN_PARAPHRASES} are needed "
                              "(ways customers ask it), so the retriever finds the entry")
    return entry


class KnowledgeEditor:
    def __init__(self, directory: Path, log: ChangeLog) -> None:
        self.directory, self.log = directory, log
        self._lock = threading.Lock()  # one read-modify-write at a time in this process

    def _files(self) -> dict[Path, list[kb.Entry]]:
        return {path: kb.load_file(path) for path in sorted(self.directory.glob("*.yml"))}

    def entries(self) -> list[kb.Entry]:
        return kb.load(self.directory)

    def get(self, entry_id: str) -> kb.Entry:
        found = next((entry for entry in self.entries() if entry.id == entry_id), None)
        if found is None:
            raise NotFound(f"There is no knowledge-base entry {entry_id}.")
        return found

    def create(self, data: dict, username: str) -> kb.Entry:
        return self._save(None, data, None, username)

    def update(self, entry_id: str, data: dict, version: str, username: str) -> kb.Entry:
        if data.get("id", entry_id) != entry_id:
            raise EditRefused("id: an entry keeps its id (create a new entry instead)")
        return self._save(entry_id, {**data, "id": entry_id}, version, username)

    def add_paraphrase(self, entry_id: str, language: str, text: str, username: str) -> kb.Entry:
        """A customer's wording (from conversation review) as one more way to ask an entry."""
        entry = self.get(entry_id)
        data = kb.entry_to_dict(entry)
        if language not in data:
            raise EditRefused(f"language: {entry_id} has no {language} side")
        if text.strip() in [data[language]["question"], *data[language]["paraphrases"]]:
            raise EditRefused(f"text: {entry_id} already has this paraphrase")
        data[language]["paraphrases"].append(text.strip())
        return self._save(entry_id, data, version_of(entry), username)

    def delete(self, entry_id: str, version: str, username: str) -> None:
        self._change(entry_id, None, version, username)

    def _save(self, entry_id: str | None, data: dict, version: str | None, username: str,
              action: str | None = None, place: dict | None = None) -> kb.Entry:
        new = checked(data)
        self._change(entry_id, new, version, username, action, place)
        return new

    def _change(self, entry_id: str | None, new: kb.Entry | None, version: str | None,
                username: str, action: str | None = None, place: dict | None = None) -> None:
        """Puts `new` in place of entry `entry_id` (None: a new entry; new None: a delete)."""
        with self._lock:
            files = self._files()
            where = {entry.id: path for path, entries in files.items() for entry in entries}
            old = None
            if entry_id is not None:
                if entry_id not in where:
                    raise NotFound(f"There is no knowledge-base entry {entry_id}.")
                path = where[entry_id]
                old = next(e for e in files[path] if e.id == entry_id)
                if version != version_of(old):
                    raise EditConflict(f"{entry_id} was changed by someone else since you "
                                       "opened it. Reload it and make your edit again.")
            elif new is None:
                raise ValueError("a change needs an entry to change or a new entry")
            elif new.id in where:
                raise EditRefused(f"id: {new.id} is already used in {where[new.id].name}")
            elif place and (self.directory / place["file"]).exists():
                path = self.directory / place["file"]  # an undone delete goes back where it was
            else:
                path = self._file_for(new, files)
            entries = files.setdefault(path, [])
            if old is not None:
                index = entries.index(old)
                entries[index:index + 1] = [new] if new else []
            else:
                assert new is not None  # checked above: nothing to change means a new entry
                index = min(place["index"], len(entries)) if place else len(entries)
                entries.insert(index, new)
            self._write(path, entries)
            changed = new or old
            assert changed is not None
            self.log.record(username, KIND, changed.id,
                            action or ("create" if old is None else
                                       "delete" if new is None else "update"),
                            kb.entry_to_dict(old) if old else None,
                            kb.entry_to_dict(new) if new else None,
                            {"file": path.name, "index": index})

    def import_entries(self, imported: list[kb.Entry], username: str) -> dict[str, int]:
        """Creates the new entries and updates the known ones, all or nothing: one invalid entry
        refuses the whole import. Marks the editor keeps (near_faq) survive an update."""
        checked_entries = []
        for entry in imported:
            try:
                checked_entries.append(checked(kb.entry_to_dict(entry)))
            except EditRefused as error:
                raise EditRefused(f"{entry.id}: {error}") from error
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        with self._lock:
            files = self._files()
            where = {e.id: path for path, entries in files.items() for e in entries}
            recorded: list[tuple[kb.Entry | None, kb.Entry, Path, int]] = []
            for new in checked_entries:
                if new.id in where:
                    entries = files[where[new.id]]
                    index = next(i for i, e in enumerate(entries) if e.id == new.id)
                    old = entries[index]
                    new.near_faq = new.near_faq or old.near_faq
                    if new == old:
                        counts["unchanged"] += 1
                        continue
                    entries[index] = new
                    recorded.append((old, new, where[new.id], index))
                    counts["updated"] += 1
                else:
                    path = self._file_for(new, files)
                    files.setdefault(path, []).append(new)
                    where[new.id] = path
                    recorded.append((None, new, path, len(files[path]) - 1))
                    counts["created"] += 1
            for path in {path for *_, path, _ in recorded}:
                self._write(path, files[path])
            for before, after, path, index in recorded:
                self.log.record(username, KIND, after.id, "import",
                                kb.entry_to_dict(before) if before else None,
                                kb.entry_to_dict(after),
                                {"file": path.name, "index": index})
        return counts

    def _file_for(self, entry: kb.Entry, files: dict[Path, list[kb.Entry]]) -> Path:
        """A new entry goes to the file that holds most of its category (else <category>.yml)."""
        counts = {path: sum(e.category == entry.category for e in entries)
                  for path, entries in files.items()}
        best = max(counts, key=counts.__getitem__, default=None)
        if best is not None and counts[best]:
            return best
        name = re.sub(r"[^a-z0-9_-]", "", entry.category.lower()) or "general"
        return self.directory / f"{name}.yml"

    def _write(self, path: Path, entries: list[kb.Entry]) -> None:
        scratch = path.with_name(f".{path.name}.saving")
        kb.save_file(scratch, entries)
        try:
            kb.load_file(scratch)  # what was written reads back
            scratch.replace(path)
        finally:
            scratch.unlink(missing_ok=True)

    def undo(self, change_id: int, username: str) -> kb.Entry | None:
        change = self.log.get(change_id)
        if change is None or change.kind != KIND:
            raise NotFound(f"There is no knowledge-base change #{change_id}.")
        current = next((e for e in self.entries() if e.id == change.item), None)
        expected = change.after
        if (current is None) != (expected is None) or (
                current is not None and kb.entry_to_dict(current) != expected):
            raise EditConflict(f"{change.item} was changed again after #{change_id}; undo the "
                               "later change first.")
        action = f"undo #{change_id}"
        if current is None:  # undoing a delete: the entry comes back where it was
            return self._save(None, change.before or {}, None, username, action, change.place)
        if change.before is None:  # undoing a create
            self._change(change.item, None, version_of(current), username, action)
            return None
        return self._save(change.item, change.before, version_of(current), username, action)
