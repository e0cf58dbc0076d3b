"""Which top-level folder may import which: the app-side services (web, bank, retriever) share
only the core; the core imports none of them; the two Python sides never import each other;
no two folders import each other, even through a third."""

import ast
import tomllib
from collections import defaultdict
from pathlib import Path

from core.config import PROJECT_ROOT

SERVICES = {"web", "bank", "retriever"}
APP_SIDE = SERVICES | {"core", "ops", "e2e"}
RASA_SIDE = {"actions", "bot", "nlu"}
PACKAGES = APP_SIDE | RASA_SIDE | {"bench"}


def imports(root: Path = PROJECT_ROOT) -> dict[str, set[str]]:
    """{folder: the project's other folders its Python files import, at any depth}."""
    found: dict[str, set[str]] = defaultdict(set)
    for folder in PACKAGES:
        for path in (root / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                         else [node.module] if isinstance(node, ast.ImportFrom) and node.module
                         and node.level == 0 else [])
                found[folder] |= {name.split(".")[0] for name in names} & (PACKAGES - {folder})
    return found


def test_services_share_only_the_core_and_the_core_imports_none_of_them():
    found = imports()
    for service in SERVICES:
        assert found[service] <= {"core"}, f"{service} imports {found[service]}"
    assert found["core"] == set()


def test_the_two_python_sides_never_import_each_other():
    found = imports()
    for folder in APP_SIDE:
        assert not found[folder] & RASA_SIDE, (folder, found[folder])
    for folder in RASA_SIDE:
        assert not found[folder] & APP_SIDE, (folder, found[folder])
    assert not found["nlu"] & {"actions", "bot"}  # scripts of their own, not the servers'


def cycles(found: dict[str, set[str]]) -> list[str]:
    """The folders that import themselves through others."""
    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in found[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    return sorted(folder for folder in PACKAGES if folder in reachable(folder))


def test_no_two_folders_import_each_other_even_through_a_third():
    assert cycles(imports()) == []


def test_the_check_finds_a_cycle_hidden_in_a_late_import(tmp_path):
    for folder, source in {"web": "def f():\n    from ops.stack import Stack\n",
                           "ops": "from bench import figures\n",
                           "bench": "import web.main\n", "core": "import os\n"}.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.py").write_text(source, encoding="utf-8")
    found = imports(tmp_path)
    assert found["web"] == {"ops"} and found["core"] == set()
    assert cycles(found) == ["bench", "ops", "web"]


def test_the_project_declares_the_requirements_each_side_installs():
    declared = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for side in ("app", "rasa"):
        lines = (PROJECT_ROOT / "requirements" / f"{side}.in").read_text(encoding="utf-8")
        wanted = [line.strip() for line in lines.splitlines()
                  if line.strip() and not line.startswith("#")]
        assert declared["project"]["optional-dependencies"][side] == wanted, side


def test_the_banks_rules_know_nothing_of_http():
    """bank/*.py (the rules, the models, the arithmetic) import neither FastAPI nor bank/api;
    only bank/main.py wires them to HTTP."""
    for path in (PROJECT_ROOT / "bank").glob("*.py"):
        if path.name in {"main.py", "manage.py"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
        names |= {node.module for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and node.module}
        http = {name for name in names
                if name.split(".")[0] in {"fastapi", "starlette"} or name.startswith("bank.api")}
        assert not http, f"bank/{path.name} imports {http}"
