from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # The offscreen screen is 800x800 unless told otherwise; windows fit the screen they open
    # on, so the tests give them a desktop's: 1920x1080 (tests of 1280x720 start their own).
    SCREENS = Path(__file__).resolve().parent / "ui" / "screens"
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREENS / '1920x1080.json'}"

from curator.session.project import create_sample_project  # noqa: E402
from curator.store import Store  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "sample_docs"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Never touch the real user's settings or sample project."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CURATOR_CONFIG", str(home / "config"))
    monkeypatch.setenv("CURATOR_HOME", str(home / "data"))


POSTGRES = os.environ.get("CURATOR_TEST_POSTGRES")


def _drop_everything(engine) -> None:
    import sqlalchemy as sa

    from curator.store.tables import metadata

    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(params=["sqlite", "postgresql"])
def project_target(request, tmp_path):
    """Where a test creates its project, on each backend: a new folder, and the PostgreSQL
    database (when ``CURATOR_TEST_POSTGRES`` names one) emptied before and after the test.
    For a test that creates its project itself (a template, the sample project)."""
    if request.param == "sqlite":
        yield tmp_path / "project"
        return
    if not POSTGRES:
        pytest.skip("no PostgreSQL server (set CURATOR_TEST_POSTGRES, as scripts/test does)")
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES)
    _drop_everything(engine)  # whatever an interrupted run left
    try:
        yield POSTGRES
    finally:
        _drop_everything(engine)
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An empty project on each backend: a SQLite folder, and a real PostgreSQL database
    (when ``CURATOR_TEST_POSTGRES`` names one; ``scripts/test`` starts a server)."""
    if request.param == "sqlite":
        store = Store.create(tmp_path / "project")
        yield store
        store.close()
        return
    if not POSTGRES:
        pytest.skip("no PostgreSQL server (set CURATOR_TEST_POSTGRES, as scripts/test does)")
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES)
    _drop_everything(engine)  # whatever an interrupted run left
    engine.dispose()
    store = Store.create(POSTGRES)
    yield store
    _drop_everything(store.engine)
    store.close()


@pytest.fixture
def sample_store(tmp_path):
    """The sample documents without the bundled annotator layers."""
    store, report = create_sample_project(tmp_path / "sample", annotations=False)
    assert not report.problems
    yield store
    store.close()


@pytest.fixture
def annotated_sample_on_each_backend(project_target):
    """The sample project as a new user gets it, on SQLite and on PostgreSQL."""
    store, _report = create_sample_project(project_target)
    yield store
    store.close()


@pytest.fixture
def annotated_sample(tmp_path):
    """The sample project as a new user gets it: documents and two annotators' layers."""
    store, _report = create_sample_project(tmp_path / "annotated")
    yield store
    store.close()


@pytest.fixture
def seeds() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
