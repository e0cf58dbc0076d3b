"""The sample knowledge base, loaded."""

import pytest

from core import knowledge_base as kb
from tests.app.core.sample_knowledge import write_kb


@pytest.fixture
def entries(tmp_path):
    write_kb(tmp_path / "kb")
    return kb.load(tmp_path / "kb")
