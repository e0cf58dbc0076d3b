"""Rasa's own checks, run against the session's model and action server."""

import subprocess

from core.config import PROJECT_ROOT
from ops.stack import rasa_environment


def run_on_rasa_side(stack, *arguments: str, timeout: int = 900) -> subprocess.CompletedProcess:
    settings = stack.settings
    env = rasa_environment(settings, f"sqlite:///{settings.data_dir / 'rasa-test-tracker.db'}")
    result = subprocess.run(
        [str(settings.rasa_python), *arguments],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )
    print(result.stdout[-6000:])
    print(result.stderr[-3000:])
    return result


def test_held_out_nlu_set_meets_the_targets_in_both_languages(stack):
    result = run_on_rasa_side(
        stack, "nlu/evaluate.py", "--url", stack.settings.rasa_url, "--check",
        "--report", str(PROJECT_ROOT / "reports" / "nlu-heldout.json"),
    )
    assert result.returncode == 0, "held-out NLU targets missed (see the table above)"


def test_end_to_end_test_stories_all_pass(stack, tmp_path):
    result = run_on_rasa_side(
        stack, "-m", "rasa", "test", "core",
        "--model", str(stack.settings.model_path),
        "--stories", "tests/stories",
        "--endpoints", "bot/endpoints.yml",
        "--out", str(tmp_path),
        "--fail-on-prediction-errors",
    )
    assert result.returncode == 0, "rasa test: some test stories failed (see the log above)"
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "story:" not in failed.read_text()
