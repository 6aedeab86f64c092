"""Curator's files through the real peers and back, and the peers' own files into Curator.

    python benchmarks/peer_round_trips.py [--keep FOLDER] [--only labelstudio|doccano|spacy]

Label Studio and doccano are installed from PyPI into virtual environments of their own
(as ``benchmarks/peers.py`` does, sharing its cache), started on loopback with a data
folder of their own, driven through their REST API and stopped. For each peer:

- Curator's export is imported by the peer's own import API (which must accept it), the
  peer exports it again, and that file, imported into a new Curator project, must give
  back the same documents, metadata, spans, annotators, categories and relations;
- the peer writes its other exports of the same project (Label Studio: JSON_MIN, CSV,
  CONLL2003; doccano: its per-user zip), with relations and pre-annotations made
  through its API, and Curator imports each, reporting what it leaves out.

spaCy: ``spacy debug data`` with an NER config must find the labels of Curator's DocBin.
A peer that cannot be installed or started is named with the reason and skipped. Prints a
line per check and ends with a table; exits 1 if a check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from peers import (
    PeerUnavailable,
    Server,
    free_port,
    install,
    multipart,
    request,
    wait_ready,
)

from curator.domain.models import Relation
from curator.domain.schema import CategorySet, Choice, RelationLabel
from curator.formats.interop import export_interop, import_annotated
from curator.formats.labelstudio import config_beside
from curator.session.project import create_sample_project
from curator.session.relation_commands import AddRelation
from curator.store import Store

TOPICS = ("trade", "energy", "politics")


# -- what is compared -----------------------------------------------------------------------


def contents(store: Store) -> dict:
    """What a round trip must keep: documents with metadata, spans with annotators, categories."""
    documents = sorted((d.uid, d.text, d.title, d.source, d.url, str(d.published)) for d in store.iter_documents())
    spans = sorted((d.uid, a.start, a.end, a.label, a.annotator)
                   for d, layer in store.iter_documents_with_annotations() for a in layer)
    by_id = {d.id: d.uid for d in store.iter_documents()}
    categories = sorted((by_id[doc_id], who, name, tuple(choices))
                        for doc_id, who, name, choices in store.category_rows(None))
    relations = []
    for d, layer in store.iter_documents_with_annotations():
        ends = {a.id: (a.start, a.end, a.label) for a in layer}
        relations += [(d.uid, ends[r.source_id], ends[r.target_id], r.label, r.annotator)
                      for r in store.relations_for(d.id)]
    return {"documents": documents, "spans": spans, "categories": categories, "relations": sorted(relations)}


def source_project(folder: Path) -> Store:
    """The sample project (five articles, two annotators' spans) with a topic each of them
    chose, and in each layer a figure of each article attributed to an organisation in it."""
    store, _report = create_sample_project(folder)
    schema = store.label_schema
    store.save_schema(schema.model_copy(update={"categories": [
        CategorySet(name="topic", choices=[Choice(name=name) for name in TOPICS])],
        "relations": [*schema.relations, RelationLabel(name="founded_by"), RelationLabel(name="based_in")]}))
    for number, document in enumerate(store.iter_documents()):
        for who in ("aigerim", "daniyar"):
            store.set_categories(document.id, who, "topic", [TOPICS[(number + (who == "daniyar")) % 3]])
            layer = store.annotations_for(document.id, who)
            figure = next((a for a in layer if a.label in ("MONEY", "PERCENT", "COUNT", "QUANTITY")), None)
            org = next((a for a in layer if a.label == "ORG"), None)
            if figure and org:
                AddRelation(Relation(doc_id=document.id, source_id=figure.id, target_id=org.id,
                                     label="attributed_to", annotator=who)).apply(store)
    return store


def fresh_like(store: Store, folder: Path) -> Store:
    other = Store.create(folder)
    other.save_schema(store.label_schema)
    return other


def differences(expected: dict, got: dict) -> list[str]:
    said = []
    for key in expected:
        missing = sorted(set(expected[key]) - set(got[key]))
        extra = sorted(set(got[key]) - set(expected[key]))
        if missing or extra:
            said.append(f"{key}: {len(missing)} missing (e.g. {str(missing[:1])[:160]}), {len(extra)} extra "
                        f"(e.g. {str(extra[:1])[:160]})")
    return said


class Checks:
    """The outcome of every check, printed as it comes."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, bool, str]] = []

    def add(self, peer: str, check: str, ok: bool, detail: str = "") -> None:
        self.rows.append((peer, check, ok, detail))
        print(f"{'ok  ' if ok else 'FAIL'} {peer}: {check}{': ' + detail if detail else ''}", flush=True)

    @property
    def failed(self) -> list[tuple[str, str, bool, str]]:
        return [row for row in self.rows if not row[2]]


def import_into(store: Store, path: Path, folder: Path, fmt: str | None = None) -> tuple[Store, object]:
    other = fresh_like(store, folder)
    report = import_annotated(other, path, fmt, suggestion_layer="curator")
    return other, report


def said(report) -> str:
    return "; ".join([report.summary(), *(str(w.reason) for w in report.warnings[:6]),
                      *(str(p.reason)[:120] for p in report.problems[:3])])


# -- Label Studio ---------------------------------------------------------------------------


def label_studio(folder: Path, store: Store, checks: Checks) -> None:
    bin_dir = install("Label Studio")
    token = secrets.token_hex(20)
    port = free_port()
    env = {**os.environ, "HOME": str(folder), "LABEL_STUDIO_USERNAME": "curator@example.com",
           "LABEL_STUDIO_PASSWORD": secrets.token_hex(8), "LABEL_STUDIO_USER_TOKEN": token,
           "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true", "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true"}
    server = Server(folder / "label-studio.log")
    auth = {"Authorization": f"Token {token}"}
    as_json = {**auth, "Content-Type": "application/json"}
    try:
        server.start([str(bin_dir / "label-studio"), "start", "--no-browser", "--port", str(port),
                      "--internal-host", "127.0.0.1", "--data-dir", str(folder / "data")], env, folder)
        wait_ready(port, "/health", server)
        ours = folder / "curator-labelstudio.json"
        export_interop(store, ours, "labelstudio")  # with the labeling config it writes beside
        status, answer = request(port, "POST", "/api/projects", as_json, json.dumps(
            {"title": "round trip", "label_config": config_beside(ours).read_text(encoding="utf-8")}).encode())
        checks.add("Label Studio", "it takes the labeling config Curator writes beside its export", status == 201,
                   f"answered {status}" + ("" if status == 201 else f": {answer[:300]!r}"))
        if status != 201:
            return
        project = json.loads(answer)["id"]
        body, content_type = multipart("file", ours)
        status, answer = request(port, "POST", f"/api/projects/{project}/import", {**auth,
                                                                                   "Content-Type": content_type}, body)
        checks.add("Label Studio", "its import API accepts Curator's export", status == 201,
                   f"answered {status}" + ("" if status == 201 else f": {answer[:300]!r}"))
        exports = {}
        for kind in ("JSON", "JSON_MIN", "CSV", "CONLL2003"):
            status, answer = request(port, "GET", f"/api/projects/{project}/export?exportType={kind}", auth)
            suffix = {"JSON": "json", "JSON_MIN": "json", "CSV": "csv", "CONLL2003": "conll"}[kind]
            exports[kind] = folder / f"labelstudio-{kind.lower()}.{suffix}"
            if answer[:2] == b"PK":  # (an export of several files comes zipped)
                with zipfile.ZipFile(__import__("io").BytesIO(answer)) as archive:
                    answer = archive.read(archive.namelist()[0])
            exports[kind].write_bytes(answer)
        other, report = import_into(store, exports["JSON"], folder / "back-json")
        diff = differences(contents(store), contents(other))
        checks.add("Label Studio", "its JSON export of Curator's tasks imports back identical", not diff and
                   not report.problems, "; ".join(diff) or said(report))
        expected = contents(store)
        # Its flat exports name the annotator by the Label Studio user who imported the file
        # (one here): every span comes back, in that user's layer; two annotators' choices
        # of a single-choice set for one document are then reported, not both kept.
        for kind in ("JSON_MIN", "CSV"):
            other, report = import_into(store, exports[kind], folder / f"back-{kind.lower()}")
            got = contents(other)
            same = {s[:4] for s in expected["spans"]} == {s[:4] for s in got["spans"]}
            texts = {d[1] for d in expected["documents"]} == {d[1] for d in got["documents"]}
            checks.add("Label Studio", f"its {kind} export imports with every span and text", same and texts and
                       all("takes one choice" in p.reason for p in report.problems), said(report))
        other, report = import_into(store, exports["CONLL2003"], folder / "back-conll")
        annotations = sum(1 for task in json.loads(exports["JSON"].read_text()) for _ in task["annotations"])
        checks.add("Label Studio", "its CONLL2003 export imports as one document a block (an annotation each)",
                   len(other.document_ids()) == annotations and not report.problems, said(report))
        _label_studio_extras(port, auth, as_json, project, store, folder, checks)
    finally:
        server.stop()


def _label_studio_extras(port: int, auth: dict, as_json: dict, project: int, store: Store, folder: Path,
                         checks: Checks) -> None:
    """A relation and a model's prediction, made through Label Studio's API, in its export."""
    status, answer = request(port, "GET", f"/api/tasks?project={project}&page_size=1", auth)
    task = json.loads(answer)["tasks"][0]
    text = task["data"]["text"]
    first, second = text.index("Kazakhstan"), text.index("China")
    regions = [{"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": first, "end": first + 10, "text": "Kazakhstan", "labels": ["LOCATION"]}},
               {"id": "r2", "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": second, "end": second + 5, "text": "China", "labels": ["LOCATION"]}}]
    relation = {"from_id": "r1", "to_id": "r2", "type": "relation", "direction": "right", "labels": ["founded_by"]}
    # Drawn the other way round in its editor: from the region to_id names to the one from_id names.
    reverse = {"from_id": "r1", "to_id": "r2", "type": "relation", "direction": "left", "labels": ["based_in"]}
    status, answer = request(port, "POST", f"/api/tasks/{task['id']}/annotations", as_json,
                             json.dumps({"result": [*regions, relation, reverse]}).encode())
    checks.add("Label Studio", "an annotation with a relation is made through its API", status == 201,
               f"answered {status}")
    status, answer = request(port, "POST", "/api/predictions", as_json, json.dumps(
        {"task": task["id"], "model_version": "ner-model-2", "score": 0.9, "result": regions}).encode())
    checks.add("Label Studio", "a prediction is made through its API", status == 201, f"answered {status}")
    # A snapshot export, which can carry predictions whole and annotators by e-mail.
    status, answer = request(port, "POST", f"/api/projects/{project}/exports/", as_json, json.dumps(
        {"serialization_options": {"predictions": {"only_id": False},
                                   "annotations__completed_by": {"only_id": False}}}).encode())
    snapshot = json.loads(answer)["id"]
    for _ in range(600):
        status, answer = request(port, "GET", f"/api/projects/{project}/exports/{snapshot}", auth)
        if json.loads(answer).get("status") == "completed":
            break
        time.sleep(0.1)
    status, answer = request(port, "GET", f"/api/projects/{project}/exports/{snapshot}/download?exportType=JSON",
                             auth)
    path = folder / "labelstudio-relations.json"
    path.write_bytes(answer)
    other, report = import_into(store, path, folder / "back-relations")
    warnings = [str(w.reason) for w in report.warnings]
    found = {r.label: r for r in other.relation_rows() if r.label in ("founded_by", "based_in")}
    ends = {a.id: (a.start, a.label) for doc_id in other.document_ids() for a in other.annotations_for(doc_id)}
    drawn = {label: (ends[r.source_id][0], ends[r.target_id][0]) for label, r in found.items()}
    suggestions = sum(len(other.suggestions_for(doc_id, "curator")) for doc_id in other.document_ids())
    predictions_given = any(isinstance(p, dict) for t in json.loads(answer) for p in t.get("predictions", []))
    checks.add("Label Studio", "its export with relations drawn in it imports with them, each its way round",
               drawn == {"founded_by": (first, second), "based_in": (second, first)} and not report.problems,
               said(report))
    checks.add("Label Studio", "its prediction becomes suggestions named after model_version"
               if predictions_given else "its JSON export names predictions by id only: reported",
               (suggestions == 2) if predictions_given else any("by id only" in w for w in warnings),
               f"{suggestions} suggestion(s)")


# -- doccano --------------------------------------------------------------------------------


def doccano(folder: Path, store: Store, checks: Checks) -> None:
    bin_dir = install("doccano")
    password = secrets.token_hex(8)
    port = free_port()
    env = {**os.environ, "HOME": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
           "MEDIA_ROOT": str(folder / "media")}
    command = str(bin_dir / "doccano")
    server = Server(folder / "doccano.log")
    with server.log.open("a") as out:
        for setup in (["init"], ["createuser", "--username", "admin", "--password", password]):
            subprocess.run([command, *setup], env=env, cwd=folder, stdout=out, stderr=subprocess.STDOUT, check=True)
    try:
        server.start([command, "webserver", "--port", str(port)], env, folder)
        server.start([command, "task"], env, folder)
        wait_ready(port, "/v1/health/", server)
        status, answer = request(port, "POST", "/v1/auth/login/", {"Content-Type": "application/json"},
                                 json.dumps({"username": "admin", "password": password}).encode())
        auth = {"Authorization": f"Token {json.loads(answer)['key']}"}
        as_json = {**auth, "Content-Type": "application/json"}
        session = _Doccano(port, auth, as_json)
        ours = folder / "curator-doccano.jsonl"
        export_interop(store, ours, "doccano", "aigerim")  # with relations: doccano's relation extraction shape
        project = session.project("SequenceLabeling", {"use_relation": True})
        error = session.upload(project, ours, "JSONL", "RelationExtraction")
        checks.add("doccano", "its import accepts Curator's doccano export", not error, error or "")
        archive = session.download(project, folder / "doccano-export.zip")
        other, report = import_into(store, archive, folder / "back-doccano")
        expected = contents(store)
        spans = {(s[0], s[1], s[2], s[3]) for s in expected["spans"] if s[4] == "aigerim"}
        got = {(s[0], s[1], s[2], s[3]) for s in contents(other)["spans"]}
        texts = {d[1] for d in expected["documents"]} == {d[1] for d in contents(other)["documents"]}
        checks.add("doccano", "its export of Curator's file imports back with every span and text",
                   spans == got and texts and not report.problems, said(report))
        relations = {r[:4] for r in expected["relations"] if r[4] == "aigerim"}
        checks.add("doccano", "its export of Curator's file gives back every relation",
                   bool(relations) and relations == {r[:4] for r in contents(other)["relations"]}, said(report))
        categories = {c[0::2] for c in expected["categories"] if c[1] == "aigerim"}
        checks.add("doccano", "its export of Curator's file gives back every category",
                   bool(categories) and categories == {c[0::2] for c in contents(other)["categories"]}, said(report))
        _doccano_kinds(session, store, folder, checks)
    finally:
        server.stop()


class _Doccano:
    """doccano's REST API, as its web page drives it."""

    def __init__(self, port: int, auth: dict, as_json: dict) -> None:
        self.port, self.auth, self.as_json = port, auth, as_json

    def project(self, kind: str, extra: dict) -> int:
        status, answer = request(self.port, "POST", "/v1/projects", self.as_json, json.dumps({
            "name": f"round trip {kind} {time.time()}", "description": "-", "guideline": "", "project_type": kind,
            "resourcetype": {"DocumentClassification": "TextClassificationProject"}.get(kind, f"{kind}Project"),
            **extra}).encode())
        if status != 201:
            raise PeerUnavailable(f"creating a {kind} project answered {status}: {answer[:300]!r}")
        return json.loads(answer)["id"]

    def wait(self, task: str) -> object:
        for _ in range(1200):
            status, answer = request(self.port, "GET", f"/v1/tasks/status/{task}", self.auth)
            state = json.loads(answer)
            if state.get("ready"):
                return state
            time.sleep(0.1)
        raise PeerUnavailable(f"task {task} did not finish")

    def upload(self, project: int, path: Path, fmt: str, task: str, **options) -> str | None:
        body, content_type = multipart("filepond", path)
        status, upload = request(self.port, "POST", "/v1/fp/process/", {**self.auth, "Content-Type": content_type},
                                 body)
        status, answer = request(self.port, "POST", f"/v1/projects/{project}/upload", self.as_json, json.dumps({
            "format": fmt, "task": task, "uploadIds": [upload.decode()], "column_data": "text",
            "column_label": "label", "delimiter": ",", "encoding": "Auto", **options}).encode())
        state = self.wait(json.loads(answer)["task_id"])
        result = state.get("result")
        errors = state.get("error") or (result.get("error") if isinstance(result, dict) else None)
        return json.dumps(errors)[:300] if errors else None

    def download(self, project: int, target: Path) -> Path:
        status, answer = request(self.port, "POST", f"/v1/projects/{project}/download", self.as_json,
                                 json.dumps({"format": "JSONL", "exportApproved": False}).encode())
        task = json.loads(answer)["task_id"]
        self.wait(task)
        status, archive = request(self.port, "GET", f"/v1/projects/{project}/download?taskId={task}", self.auth)
        target.write_bytes(archive)
        return target


def _doccano_kinds(session: _Doccano, store: Store, folder: Path, checks: Checks) -> None:
    """doccano's own exports of a classification, an intent and a relation project, into Curator."""
    texts = [d.text[:300] for d in store.iter_documents()][:3]
    cases = {
        "DocumentClassification": ("classification.csv", "CSV", "text,label\n" + "".join(
            f'"{text.replace(chr(34), chr(39))}",{TOPICS[n]}\n' for n, text in enumerate(texts)), {}),
        "IntentDetectionAndSlotFilling": ("intent.jsonl", "JSONL", "".join(json.dumps(
            {"text": text, "entities": [[0, 5, "ORG"]], "cats": [TOPICS[n]]}) + "\n" for n, text in enumerate(texts)),
            {}),
        # In the shape of doccano's own relation extraction example: entities numbered from 0,
        # relations without ids, two of one type from the same entity.
        "SequenceLabeling": ("relations.jsonl", "JSONL", "".join(json.dumps(
            {"text": text, "entities": [{"id": 0, "start_offset": 0, "end_offset": 5, "label": "ORG"},
                                        {"id": 1, "start_offset": 6, "end_offset": 10, "label": "LOCATION"},
                                        {"id": 2, "start_offset": 11, "end_offset": 15, "label": "LOCATION"}],
             "relations": [{"from_id": 0, "to_id": 1, "type": "based_in"},
                           {"from_id": 0, "to_id": 2, "type": "based_in"}]}) + "\n" for text in texts),
            {"use_relation": True}),
    }
    for kind, (name, fmt, content, extra) in cases.items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        project = session.project(kind, extra)
        error = session.upload(project, path, fmt, "RelationExtraction" if extra else kind)
        archive = session.download(project, folder / f"doccano-{kind}.zip")
        other, report = import_into(store, archive, folder / f"back-{kind}")
        got = contents(other)
        if kind == "DocumentClassification":
            ok = len(got["categories"]) == len(texts)
        elif kind == "IntentDetectionAndSlotFilling":
            ok = len(got["categories"]) == len(texts) and len(got["spans"]) == len(texts)
        else:
            ok = len(got["spans"]) == 3 * len(texts) and len(got["relations"]) == 2 * len(texts)
        checks.add("doccano", f"its {kind} export ({fmt} in) imports", ok and not error and not report.problems,
                   error or said(report))


# -- spaCy ----------------------------------------------------------------------------------


def spacy_debug_data(folder: Path, store: Store, checks: Checks) -> None:
    """``spacy debug data`` on Curator's DocBin with an NER pipeline's config."""
    try:
        import spacy  # noqa: F401
    except ImportError as exc:
        raise PeerUnavailable("spaCy is not installed (pip install 'curator[spacy]')") from exc
    docbin = folder / "train.spacy"
    export_interop(store, docbin, "spacy", "aigerim")
    config = folder / "config.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "xx", "--pipeline", "ner",
                    "--force"], check=True, capture_output=True)
    run = subprocess.run([sys.executable, "-m", "spacy", "debug", "data", str(config), "--paths.train", str(docbin),
                          "--paths.dev", str(docbin)], capture_output=True, text=True)
    labels = {a.label for _d, layer in store.iter_documents_with_annotations("aigerim") for a in layer}
    counted = re.search(r"(\d+) label\(s\)", run.stdout)
    checks.add("spaCy", "spacy debug data finds the NER labels of Curator's DocBin",
               counted is not None and int(counted.group(1)) == len(labels),
               f"it counts {counted.group(1) if counted else 'no'} NER label(s); the layer has {len(labels)}")


PEERS: dict[str, Callable[[Path, Store, Checks], None]] = {
    "labelstudio": label_studio, "doccano": doccano, "spacy": spacy_debug_data}


def run(folder: Path, only: list[str] | None = None) -> Checks:
    checks = Checks()
    store = source_project(folder / "source")
    for name, check in PEERS.items():
        if only and name not in only:
            continue
        place = folder / name
        place.mkdir(parents=True, exist_ok=True)
        try:
            check(place, store, checks)
        except PeerUnavailable as exc:
            checks.add(name, "skipped", True, str(exc))
    store.close()
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="keep the files in this folder")
    parser.add_argument("--only", action="append", choices=sorted(PEERS))
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        checks = run(args.keep, args.only)
    else:
        with tempfile.TemporaryDirectory(prefix="curator-peers-") as temporary:
            checks = run(Path(temporary), args.only)
    print(f"\n{len(checks.rows) - len(checks.failed)} of {len(checks.rows)} checks passed")
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
