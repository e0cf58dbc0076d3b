"""An editor app on scratch copies of the project's data, with one member of staff per role."""

import shutil

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.config import PROJECT_ROOT, Settings
from ops.stack import Service, free_port
from web.admin.staff import Staff
from web.admin.training_data import copy_training_data
from web.main import create_app
from web.manage import migrate

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def checker_port(tmp_path_factory):
    """Rasa's validation service (bot/checker.py), started once for the session."""
    settings = Settings(checker_port=free_port())
    service = Service("checker", [str(settings.rasa_python), "-m", "bot.checker",
                                  "--port", str(settings.checker_port)],
                      f"{settings.checker_url}/health", settings.process_environment(),
                      tmp_path_factory.mktemp("checker") / "checker.log")
    service.start()
    service.wait_healthy(120)
    yield settings.checker_port
    service.stop()


@pytest.fixture
def settings(tmp_path, checker_port):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "retriever" / "knowledge", knowledge)
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge,
                        training_data_dir=copy_training_data(PROJECT_ROOT, tmp_path / "project"),
                        checker_port=checker_port, token_secret="test-secret-" + "x" * 32)
    migrate(settings)
    return settings


@pytest.fixture
def rasa_transport() -> httpx.AsyncBaseTransport | None:
    """No Rasa by default; tests/app/web/admin/test_models.py puts a fake one here."""
    return None


@pytest.fixture
def web_app(settings, rasa_transport) -> FastAPI:
    """The web app on the test's settings, started (its lifespan has built its services)."""
    app = create_app(settings, rasa_transport)
    with TestClient(app):
        yield app


@pytest.fixture
def staff(web_app) -> Staff:
    members = web_app.state.services.staff
    for name, role in (("vera", "viewer"), ("ed", "editor"), ("ada", "admin")):
        members.add(name, PASSWORD, role)
    return members


@pytest.fixture
def signed_in(web_app, staff):
    def sign_in(username: str) -> TestClient:
        client = TestClient(web_app)
        response = client.post("/admin/api/session",
                               json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client

    return sign_in
