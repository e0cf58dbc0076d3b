"""Training, model versions and deploys through the API. Rasa is replaced here by a stand-in
trainer (a script in place of the Rasa side's Python) and a stand-in server, so every path is
quick to check; tests/app/browser/test_editor.py trains and deploys for real."""

import asyncio
import json
import stat
import time
from pathlib import Path

import httpx
import pytest

from web.admin.models import model_to_serve
from web.rasa_client import MODEL_SWAP, RasaClient

FAKE_RASA_SIDE = Path(__file__).parent / "fake_rasa_side.sh"  # stands in for the Rasa side


class FakeRasa:
    """Rasa's /status and PUT /model: loads what it is given unless told to refuse."""

    def __init__(self) -> None:
        self.live, self.refuse, self.loads = "current.tar.gz", False, []

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT" and request.url.path == "/model":
            path = json.loads(request.content)["model_file"]
            self.loads.append(path)
            if self.refuse:
                return httpx.Response(400, json={"message": f"Agent with name '{path}' could "
                                                            "not be loaded."})
            self.live = path.rsplit("/", 1)[-1]
            return httpx.Response(204)
        return httpx.Response(200, json={"model_file": self.live})


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def rasa_transport(rasa) -> httpx.MockTransport:
    """The editor app's client reaches the fake Rasa (tests/app/web/admin/conftest.py)."""
    return httpx.MockTransport(rasa.handler)


@pytest.fixture
def settings(settings, tmp_path, monkeypatch):
    script = tmp_path / "fake-rasa-python"
    script.write_text(FAKE_RASA_SIDE.read_text())
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    startup = tmp_path / "current.tar.gz"
    startup.write_text("the model make train built")
    settings.rasa_python, settings.model_path = script, startup
    return settings


def wait_for(client, job_id: str) -> dict:
    deadline = time.monotonic() + 30
    while (job := client.get(f"/admin/api/training/{job_id}").json())["state"] in (
            "training", "evaluating"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return job


def test_training_runs_in_the_background_and_lists_a_version_with_figures(signed_in, rasa):
    editor = signed_in("ed")
    started = editor.post("/admin/api/training", json={"config": "quick"})
    assert started.status_code == 202, started.text
    job = wait_for(editor, started.json()["id"])
    assert job["state"] == "done" and job["progress"] == 1.0, job
    assert "Epochs: 100%|##########| 2/2" in job["log"]  # the bar's last state, not each redraw
    assert not any("Epochs:  50%" in line for line in job["log"])
    assert "intent accuracy      0.97      0.96" in job["log"]
    assert not any("[debug]" in line for line in job["log"])  # the evaluation's chatter is not
    tail = editor.get(f"/admin/api/training/{job['id']}", params={"since": len(job["log"]) - 1})
    assert len(tail.json()["log"]) == 1
    versions = signed_in("vera").get("/admin/api/models").json()
    assert [v["id"] for v in versions][0] == job["model"]
    newest, startup = versions[0], versions[-1]
    assert newest["figures"]["zh"] == {"intent_accuracy": 0.97, "intent_macro_f1": 0.96,
                                       "intent_macro_f1_by_intent": 0.94}
    assert (newest["config"], newest["created_by"], newest["live"]) == ("quick", "ed", False)
    assert startup["id"].startswith("startup-") and startup["live"] is True


def test_a_failed_training_lists_nothing_and_says_why(signed_in, rasa, monkeypatch):
    monkeypatch.setenv("FAIL_TRAINING", "1")
    editor = signed_in("ed")
    job = wait_for(editor, editor.post("/admin/api/training", json={}).json()["id"])
    assert job["state"] == "failed"
    assert "no such component" in "\n".join(job["log"])
    assert "Nothing changed" in job["error"]
    assert [v["id"][:8] for v in editor.get("/admin/api/models").json()] == ["startup-"]


def test_one_training_at_a_time(signed_in, rasa, monkeypatch):
    monkeypatch.setenv("TRAIN_SECONDS", "3")
    editor = signed_in("ed")
    first = editor.post("/admin/api/training", json={"config": "quick"}).json()
    second = editor.post("/admin/api/training", json={"config": "quick"})
    assert second.status_code == 409 and "ed" in second.json()["detail"]
    assert editor.get("/admin/api/training").json()["id"] == first["id"]
    wait_for(editor, first["id"])
    assert editor.post("/admin/api/training", json={"config": "bogus"}).status_code == 400


def test_admins_deploy_and_roll_back_editors_may_not(signed_in, rasa, settings):
    editor, admin = signed_in("ed"), signed_in("ada")
    version = wait_for(editor, editor.post("/admin/api/training", json={}).json()["id"])["model"]
    assert editor.post(f"/admin/api/models/{version}/deploy").status_code == 403
    assert signed_in("vera").post("/admin/api/training", json={}).status_code == 403
    deployed = admin.post(f"/admin/api/models/{version}/deploy")
    assert deployed.status_code == 200, deployed.text
    assert deployed.json()["live"] == f"{version}.tar.gz"
    listed = {v["id"]: v for v in admin.get("/admin/api/models").json()}
    assert listed[version]["live"] and listed[version]["deployed_at"]
    change = admin.get("/admin/api/changes").json()[0]
    assert (change["kind"], change["action"], change["item"]) == ("model", "deploy", version)
    assert admin.post(f"/admin/api/changes/{change['id']}/undo").status_code == 422
    # The answer decision is refitted on the deployed model's readings of the calibration
    # questions (retriever/readings.py); the startup model here has none, so none are published.
    live = settings.rasa_readings_path
    assert json.loads(live.read_text())["readings"] == {"贷款利率多少": ["faq_loan", 0.9]}
    startup = next(v for v in listed if v.startswith("startup-"))
    assert admin.post(f"/admin/api/models/{startup}/deploy").status_code == 200  # roll back
    assert rasa.live == "current.tar.gz"
    assert not live.exists()
    assert admin.post("/admin/api/models/no-such-version/deploy").status_code == 404


def test_a_model_rasa_cannot_load_leaves_the_current_one_serving(signed_in, rasa):
    admin = signed_in("ada")
    version = wait_for(admin, admin.post("/admin/api/training", json={}).json()["id"])["model"]
    rasa.refuse = True
    refused = admin.post(f"/admin/api/models/{version}/deploy")
    assert refused.status_code == 502
    assert "could not be loaded" in refused.json()["detail"]
    assert "keeps serving" in refused.json()["detail"]
    assert rasa.live == "current.tar.gz"
    listed = {v["id"]: v for v in admin.get("/admin/api/models").json()}
    assert not listed[version]["live"] and listed[version]["deployed_at"] is None


def test_messages_wait_for_a_model_swap_instead_of_failing():
    answered = []

    def handler(request: httpx.Request) -> httpx.Response:
        answered.append(MODEL_SWAP.in_progress)
        return httpx.Response(200, json=[{"text": "ok"}])

    async def scenario() -> float:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler),
                                     base_url="http://rasa") as http:
            client = RasaClient(http)
            with MODEL_SWAP:
                message = asyncio.create_task(client.send("customer", "你好"))
                await asyncio.sleep(0.5)
                assert not message.done()  # held while the model loads
            started = time.monotonic()
            assert await message == [{"text": "ok"}]
            return time.monotonic() - started

    assert asyncio.run(scenario()) < 1
    assert answered == [False]  # sent only once the swap was over


def test_a_restart_serves_the_deployed_version_unless_make_train_built_a_newer_one(
        signed_in, rasa, settings):
    admin = signed_in("ada")
    assert model_to_serve(settings) == settings.model_path
    version = wait_for(admin, admin.post("/admin/api/training", json={}).json()["id"])["model"]
    assert admin.post(f"/admin/api/models/{version}/deploy").status_code == 200
    assert model_to_serve(settings) == settings.models_dir / f"{version}.tar.gz"
    time.sleep(0.01)
    settings.model_path.write_text("a developer retrained")
    assert model_to_serve(settings) == settings.model_path


def test_the_startup_model_takes_its_figures_from_a_newer_held_out_report(
        signed_in, rasa, settings, tmp_path):
    settings.heldout_report = tmp_path / "nlu-heldout.json"
    settings.heldout_report.write_text(json.dumps({"languages": {
        "zh": {"intent_accuracy": 0.97, "intent_macro_f1": 0.962,
               "intent_macro_f1_by_intent": 0.943},
        "en": {"intent_accuracy": 0.96, "intent_macro_f1": 0.95,
               "intent_macro_f1_by_intent": 0.93}}}))
    viewer = signed_in("vera")
    viewer.get("/admin/api/models")
    startup = viewer.get("/admin/api/models").json()[-1]
    assert startup["figures"]["zh"]["intent_macro_f1"] == 0.962
