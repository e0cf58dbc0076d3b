"""An editor app on scratch copies of the project's data, with one member of staff per role."""

import shutil

import pytest
from fastapi.testclient import TestClient

from web.admin.staff import Staff
from web.api import deps
from web.core.config import PROJECT_ROOT, Settings, get_settings
from web.main import app

PASSWORD = "correct horse battery"


@pytest.fixture
def settings(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(PROJECT_ROOT / "retriever" / "knowledge", knowledge)
    return Settings(data_dir=tmp_path / "data", knowledge_dir=knowledge,
                    token_secret="test-secret-" + "x" * 32)


@pytest.fixture
def staff(settings):
    deps.shared.cache_clear()
    app.dependency_overrides[get_settings] = lambda: settings
    members = Staff(settings.web_database_url)
    for name, role in (("vera", "viewer"), ("ed", "editor"), ("ada", "admin")):
        members.add(name, PASSWORD, role)
    yield members
    app.dependency_overrides.clear()


@pytest.fixture
def signed_in(staff):
    def sign_in(username: str) -> TestClient:
        client = TestClient(app)
        response = client.post("/admin/api/session",
                               json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client

    return sign_in
