"""`rasa data validate` as a small always-warm HTTP service for the training-data editor.

The editor writes a proposed change into a scratch copy of the project's training data and asks
this service whether Rasa accepts it before touching the real files. Loading Rasa takes seconds, so
it is loaded once here instead of on every save. Checks are the same as `rasa data validate`
(YAML schema, domain, NLU, stories and rules); a problem Rasa only warns about counts too when the
change introduced it, so a save cannot quietly add a warning the repository does not have.

POST /check {"root": "<scratch project>", "baseline": "<current project>"}
  -> {"ok": bool, "problems": [...], "warnings": [...]}
GET /health -> {"status": "ok"}
"""

import argparse
import copy
import functools
import hashlib
import json
import logging
import warnings
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import rasa.shared.utils.io
import rasa.shared.utils.validation
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.validator import Validator

DATA_PARTS = ("config.yml", "bot/domain", "bot/data", "nlu/train")


def _remembered(function, copies: bool):
    """`function` of a file's text, computed once per distinct text: a check re-reads a whole
    project of which one file changed, and parsing plus schema validation of the unchanged
    files is most of Rasa's time. Failures are not remembered (they raise every time)."""
    results: dict = {}

    @functools.wraps(function)
    def remembered(content, *arguments, **options):
        if not isinstance(content, str):
            return function(content, *arguments, **options)
        key = (content, repr(arguments), repr(sorted(options.items())))
        if key not in results:
            results[key] = function(content, *arguments, **options)
        return copy.deepcopy(results[key]) if copies else results[key]

    return remembered


def remember_parsed_files() -> None:
    rasa.shared.utils.io.read_yaml = _remembered(rasa.shared.utils.io.read_yaml, copies=True)
    rasa.shared.utils.validation.validate_yaml_schema = _remembered(
        rasa.shared.utils.validation.validate_yaml_schema, copies=False)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for part in DATA_PARTS:
        path = root / part
        for file in sorted(path.rglob("*.yml")) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def validate(root: Path) -> tuple[bool, list[str]]:
    """Rasa's verdict on the project at `root` and everything it warned about."""
    collector = _Collect()
    logging.getLogger("rasa").addHandler(collector)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            importer = TrainingDataImporter.load_from_config(
                config_path=str(root / "config.yml"), domain_path=str(root / "bot/domain"),
                training_data_paths=[str(root / "nlu/train"), str(root / "bot/data")])
            validator = Validator.from_importer(importer)
            if importer.get_domain().is_empty():
                return False, ["The domain is empty."]
            verdicts = [
                validator.verify_domain_validity(), validator.verify_actions_in_stories_rules(),
                validator.verify_forms_in_stories_rules(), validator.verify_form_slots(),
                validator.verify_slot_mappings(), validator.verify_nlu(True),
                validator.verify_story_structure(True, max_history=None),
            ]
    except Exception as error:  # noqa: BLE001 - any load error is the answer, in words
        return False, [f"{type(error).__name__}: {error}"]
    finally:
        logging.getLogger("rasa").removeHandler(collector)
    # Rasa's own findings are UserWarnings; deprecations from libraries are not about the data.
    found = [str(w.message) for w in caught if w.category is UserWarning]
    return all(verdicts), sorted(set(found + collector.messages))


class Checker:
    def __init__(self) -> None:
        self._baselines: dict[str, list[str]] = {}

    def check(self, root: Path, baseline: Path | None) -> dict:
        known: list[str] = []
        if baseline is not None:  # first: its files' first reading says all they warn about
            key = fingerprint(baseline)
            if key not in self._baselines:
                self._baselines[key] = validate(baseline)[1]
            known = self._baselines[key]
        ok, found = validate(root)
        new = [message for message in found if message not in known]
        return {"ok": ok and not new, "problems": new if ok else found, "warnings": found}


def serve(host: str, port: int) -> None:
    remember_parsed_files()
    checker = Checker()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path == "/health":
                self._answer(200, {"status": "ok"})
            else:
                self._answer(404, {"detail": "not found"})

        def do_POST(self) -> None:  # noqa: N802
            if self.path != "/check":
                self._answer(404, {"detail": "not found"})
                return
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                root = Path(body["root"])
                baseline = Path(body["baseline"]) if body.get("baseline") else None
            except (ValueError, KeyError, TypeError) as error:
                self._answer(400, {"detail": f"expected {{root, baseline}}: {error}"})
                return
            self._answer(200, checker.check(root, baseline))

        def log_message(self, *_: object) -> None:  # the app logs what it asked
            pass

    # One check at a time: Rasa's importer and the warnings capture are not thread-safe.
    HTTPServer((host, port), Handler).serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8030)
    args = parser.parse_args()
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
