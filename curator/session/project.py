"""Opening projects, the bundled sample project, and whose edits a command makes.

The store and the models are imported where a project is opened: the command line
imports this module for every command, ``curator init`` too, which needs neither.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from curator.domain.names import check_annotator
from curator.errors import CuratorError
from curator.store.user_settings import Settings, is_gold

if TYPE_CHECKING:
    from curator.domain.jobs import Job
    from curator.formats.reports import ImportReport
    from curator.store import Store

SAMPLE_DOCS = Path(__file__).resolve().parent.parent.parent / "sample_docs"
SAMPLE_ANNOTATIONS = SAMPLE_DOCS.parent / "annotations"


def open_project(target: str | Path, create: bool = False, job: Job | None = None) -> Store:
    """Open the project at a folder path or database URL (creating it if asked). An older
    project is brought up to date first, telling ``job`` each step and how far it is."""
    from curator.store import Store

    try:
        return Store.open(target, job)
    except CuratorError:
        if not create:
            raise
    from curator.domain.models import Project

    return Store.create(target, Project(name=Path(str(target)).name or "Curator project"))


def known_layer(store: Store, name: str, where: str = "") -> str:
    """``name`` (in its one spelling, see ``check_annotator``) if the project has a layer of
    that annotator (spans, statuses or categories); else a CuratorError listing the layers,
    as a typo must not read as an empty layer."""
    name = check_annotator(name, where or "annotator")
    layers = set(store.annotators()) | {who for _doc, who, _set, _choices in store.category_rows()}
    if name not in layers:
        shown = ", ".join(sorted(layers)) or "none"
        raise CuratorError(f"{where + ': ' if where else ''}no layer named {name!r} in this project (layers: {shown})")
    return name


def sample_docs_dir() -> Path:
    folder = Path(os.environ.get("CURATOR_SAMPLE_DOCS", SAMPLE_DOCS))
    if not folder.is_dir():
        raise CuratorError(f"{folder}: the sample documents are missing; reinstall Curator from its repository")
    return folder


def create_sample_project(target: str | Path, annotations: bool = True) -> tuple[Store, ImportReport]:
    """A new project holding the sample articles with their metadata and, unless told
    otherwise, the bundled annotator layers (so that review has content at once)."""
    from curator.domain.models import Project
    from curator.domain.schema import template
    from curator.formats.layer_files import import_layer
    from curator.store import Store

    store = Store.create(target, Project(name="Kazakhstan-China sample", label_schema=template("news")))
    # Imported here: every command opens projects, few import articles.
    from curator.formats.articles import import_files

    report = import_files(store, [sample_docs_dir()])
    folder = Path(os.environ.get("CURATOR_SAMPLE_ANNOTATIONS", SAMPLE_ANNOTATIONS))
    if annotations and folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            layer = import_layer(store, path)
            if layer.problems:
                raise CuratorError(f"{path}: the bundled annotations do not fit the sample: {layer.problems[0]}")
    return store, report


def default_sample_location() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("CURATOR_HOME", user_data_dir("curator", appauthor=False))) / "sample-project"


def open_sample_project(job: Job | None = None) -> Store:
    """The sample project in the user's data folder, created on first use (brought up to
    date first, like ``open_project``, when an older Curator made it)."""
    from curator.store import Store

    location = default_sample_location()
    try:
        return Store.open(location, job)
    except CuratorError:
        if location.exists() and any(location.iterdir()):
            raise
    store, _report = create_sample_project(location)
    return store


def acting_annotator(given: str | None) -> str:
    """Whose edits a command makes: the name given (``--annotator``), checked, or the user's.
    Never the gold layer's: it is written by settling disagreements in review, not by a
    command acting as an annotator (``suggest --accept`` would fill it with raw suggestions)."""
    if not given:
        return Settings().annotator
    name = check_annotator(given, "--annotator")
    if is_gold(name):
        raise CuratorError("--annotator: 'gold' is the reviewed layer, written by settling disagreements in "
                           "review; name an annotator")
    return name
