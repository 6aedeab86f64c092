"""Curator beside Label Studio and doccano, measured in one run on one corpus.

    python benchmarks/peers.py                 # 20,000 articles, 2,000 with 20 spans each
    python benchmarks/peers.py --docs 2000     # a quick run

Each peer is installed from PyPI into a virtual environment of its own, kept in a cache
folder outside the repository (``$XDG_CACHE_HOME/curator-benchmarks/peers``, by default
under ``~/.cache``), started on loopback with its own data folder, driven through its
REST API and stopped. Every operation is run three times on each side; a row shows the
median and the spread (fastest-slowest), and a ratio only when both sides were measured
in this run. A peer that cannot be installed or started is named with the reason, and no
ratio is printed against it.

Curator is timed as its users feel it: command-line rows are the wall time of the
``curator`` command, process start included; the window row runs from process start
until the list and the first article are painted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from peer_files import spans as span_count  # noqa: E402
from peer_files import write_peer_files  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curator-benchmarks" / "peers"
# The releases the scale issue compared against, and the pins their own loose requirements
# now need to run at all (environs reads a marshmallow 3 attribute; pandas 1.5 is built
# against numpy 1).
PEERS = {"Label Studio": ("label-studio", "1.23.2", []),
         "doccano": ("doccano", "1.8.4", ["marshmallow<4", "numpy<2"])}
LABELS = ("PERSON", "LOCATION", "ORG", "PERCENT", "DATE", "MONEY")
RUNS = 3


class PeerUnavailable(Exception):
    """A peer could not be installed or started; the message says why."""


@dataclass
class Figures:
    """One side's measured seconds per operation, and its memory in MB."""

    name: str
    seconds: dict[str, list[float]] = field(default_factory=dict)
    memory: float | None = None
    note: str = ""

    def add(self, operation: str, value: float) -> None:
        self.seconds.setdefault(operation, []).append(value)


# -- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree_memory(pid: int) -> float:
    """The summed peak resident memory (VmHWM) of ``pid`` and its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
    return total / 1024


class Server:
    """Processes started in a session of their own, stopped together (SIGTERM, then SIGKILL)."""

    def __init__(self, log: Path) -> None:
        self.processes: list[subprocess.Popen] = []
        self.log = log

    def start(self, command: list[str], env: dict[str, str], cwd: Path) -> None:
        with self.log.open("a") as out:
            self.processes.append(subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                                   start_new_session=True))

    def memory(self) -> float:
        return sum(tree_memory(process.pid) for process in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes = []


def request(port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None,
            timeout: float = 600) -> tuple[int, bytes]:
    """One HTTP request on a new loopback connection (as a script's client makes it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(port: int, path: str, server: Server, limit: float = 300) -> float:
    """Seconds until ``path`` answers 200; raises ``PeerUnavailable`` if a process ends or time runs out."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if any(process.poll() is not None for process in server.processes):
            raise PeerUnavailable(f"a process ended while starting; see {server.log}")
        try:
            if request(port, "GET", path, timeout=5)[0] == 200:
                return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.05)
    raise PeerUnavailable(f"not ready after {limit:.0f} s; see {server.log}")


def multipart(field_name: str, path: Path) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field_name}\"; filename=\"{path.name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def install(name: str) -> Path:
    """The peer's virtual environment's bin folder, installed on first use."""
    package, version, pins = PEERS[name]
    venv = CACHE / package
    marker = venv / f".installed-{version}"
    if marker.exists():
        return venv / "bin"
    print(f"installing {package}=={version} into {venv} ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"{package}=={version}", *pins],
                       check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        raise PeerUnavailable(f"pip could not install {package}=={version}: "
                              f"{(exc.stderr or '').strip().splitlines()[-1:] or exc}") from exc
    marker.touch()
    return venv / "bin"


# -- Label Studio ---------------------------------------------------------------------------


def label_studio(bin_dir: Path, folder: Path, files: dict[str, Path], annotated: list[int]) -> Figures:
    figures = Figures("Label Studio")
    token = secrets.token_hex(20)
    port = free_port()
    env = {**os.environ, "HOME": str(folder), "LABEL_STUDIO_USERNAME": "bench@example.com",
           "LABEL_STUDIO_PASSWORD": secrets.token_hex(8), "LABEL_STUDIO_USER_TOKEN": token,
           "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true", "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true"}
    command = [str(bin_dir / "label-studio"), "start", "--no-browser", "--port", str(port),
               "--internal-host", "127.0.0.1", "--data-dir", str(folder / "data")]
    server = Server(folder / "label-studio.log")
    auth = {"Authorization": f"Token {token}"}
    config = ("<View><Labels name=\"label\" toName=\"text\">" + "".join(f"<Label value=\"{label}\"/>" for label in LABELS)
              + "</Labels><Text name=\"text\" value=\"$text\"/></View>")
    try:
        server.start(command, env, folder)
        figures.note = f"first start (creating its database) {wait_ready(port, '/health', server):.1f} s"
        server.stop()
        for _ in range(RUNS):
            server.start(command, env, folder)
            figures.add("start", wait_ready(port, "/health", server))
            if _ < RUNS - 1:
                server.stop()
        projects = []
        body, content_type = multipart("file", files["labelstudio"])
        for run in range(RUNS):
            status, answer = request(port, "POST", "/api/projects", {**auth, "Content-Type": "application/json"},
                                     json.dumps({"title": f"bench {run}", "label_config": config}).encode())
            if status != 201:
                raise PeerUnavailable(f"creating a project answered {status}: {answer[:200]!r}")
            project = json.loads(answer)["id"]
            os.sync()  # every timed operation starts with the writes before it on disk
            start = time.perf_counter()
            status, answer = request(port, "POST", f"/api/projects/{project}/import",
                                     {**auth, "Content-Type": content_type}, body)
            figures.add("import", time.perf_counter() - start)
            if status != 201:
                raise PeerUnavailable(f"the import answered {status}: {answer[:200]!r}")
            projects.append(project)
        # Tasks get ids in the order of the file: an article's id is the first task's plus its place.
        status, answer = request(port, "GET", f"/api/tasks?project={projects[0]}&page_size=1", auth)
        first = json.loads(answer)["tasks"][0]["id"] if status == 200 else 1
        for run in range(RUNS):
            times = []
            for place in random.Random(run).sample(annotated, min(200, len(annotated))):
                start = time.perf_counter()
                task = first + place
                status, answer = request(port, "GET", f"/api/tasks/{task}", auth)
                times.append(time.perf_counter() - start)
                if status != 200 or not json.loads(answer)["annotations"]:
                    raise PeerUnavailable(f"task {task} answered {status} or has no annotations")
            figures.add("fetch", statistics.median(times))
        for _ in range(RUNS):
            os.sync()  # every timed operation starts with the writes before it on disk
            start = time.perf_counter()
            status, answer = request(port, "GET", f"/api/projects/{projects[0]}/export?exportType=JSON", auth)
            figures.add("export", time.perf_counter() - start)
            if status != 200 or not json.loads(answer):
                raise PeerUnavailable(f"the export answered {status}")
        figures.memory = server.memory()
    finally:
        server.stop()
    return figures


# -- doccano --------------------------------------------------------------------------------


def doccano(bin_dir: Path, folder: Path, files: dict[str, Path], annotated: list[int]) -> Figures:
    figures = Figures("doccano")
    password = secrets.token_hex(8)
    port = free_port()
    env = {**os.environ, "HOME": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
           "MEDIA_ROOT": str(folder / "media")}
    doccano_command = str(bin_dir / "doccano")
    server = Server(folder / "doccano.log")
    try:
        with server.log.open("a") as out:
            start = time.perf_counter()
            for setup in (["init"], ["createuser", "--username", "admin", "--password", password]):
                subprocess.run([doccano_command, *setup], env=env, cwd=folder, stdout=out, stderr=subprocess.STDOUT,
                               check=True)
            figures.note = f"doccano init (creating its database) {time.perf_counter() - start:.1f} s"
    except subprocess.CalledProcessError as exc:
        raise PeerUnavailable(f"doccano init failed; see {server.log}") from exc

    def start_both() -> float:
        # The web server and the task worker: imports and exports run in the worker.
        start = time.perf_counter()
        server.start([doccano_command, "webserver", "--port", str(port)], env, folder)
        server.start([doccano_command, "task"], env, folder)
        wait_ready(port, "/v1/health/", server)  # its health check includes the worker's
        return time.perf_counter() - start

    def wait_task(task: str, auth: dict) -> object:
        while True:
            status, answer = request(port, "GET", f"/v1/tasks/status/{task}", auth)
            state = json.loads(answer)
            if state.get("ready"):
                if state.get("error"):
                    raise PeerUnavailable(f"task {task} failed: {str(state['error'])[:200]}")
                return state.get("result")
            time.sleep(0.05)

    try:
        for run in range(RUNS):
            figures.add("start", start_both())
            if run < RUNS - 1:
                server.stop()
        status, answer = request(port, "POST", "/v1/auth/login/", {"Content-Type": "application/json"},
                                 json.dumps({"username": "admin", "password": password}).encode())
        if status != 200:
            raise PeerUnavailable(f"login answered {status}: {answer[:200]!r}")
        auth = {"Authorization": f"Token {json.loads(answer)['key']}"}
        as_json = {**auth, "Content-Type": "application/json"}
        projects = []
        body, content_type = multipart("filepond", files["doccano"])
        for run in range(RUNS):
            status, answer = request(port, "POST", "/v1/projects", as_json, json.dumps({
                "name": f"bench {run}", "description": "bench", "guideline": "", "project_type": "SequenceLabeling",
                "resourcetype": "SequenceLabelingProject"}).encode())
            if status != 201:
                raise PeerUnavailable(f"creating a project answered {status}: {answer[:200]!r}")
            project = json.loads(answer)["id"]
            os.sync()  # every timed operation starts with the writes before it on disk
            start = time.perf_counter()  # upload, then the import task, until it is done
            status, upload = request(port, "POST", "/v1/fp/process/", {**auth, "Content-Type": content_type}, body)
            status, answer = request(port, "POST", f"/v1/projects/{project}/upload", as_json, json.dumps({
                "format": "JSONL", "task": "SequenceLabeling", "uploadIds": [upload.decode()], "column_data": "text",
                "column_label": "label", "delimiter": "", "encoding": "utf_8"}).encode())
            result = wait_task(json.loads(answer)["task_id"], auth)
            figures.add("import", time.perf_counter() - start)
            if isinstance(result, dict) and result.get("error"):
                raise PeerUnavailable(f"the import reported {str(result['error'])[:200]}")
            projects.append(project)
        project = projects[0]
        status, answer = request(port, "GET", f"/v1/projects/{project}/examples?limit=1", auth)
        first = json.loads(answer)["results"][0]["id"]
        for run in range(RUNS):
            times = []
            for place in random.Random(run).sample(annotated, min(200, len(annotated))):
                # The document, then its spans: the two requests doccano's own page makes.
                example = first + place
                start = time.perf_counter()
                status, _text = request(port, "GET", f"/v1/projects/{project}/examples/{example}", auth)
                status_spans, spans = request(port, "GET", f"/v1/projects/{project}/examples/{example}/spans", auth)
                times.append(time.perf_counter() - start)
                if status != 200 or status_spans != 200 or not json.loads(spans):
                    raise PeerUnavailable(f"example {example} answered {status}/{status_spans} or has no spans")
            figures.add("fetch", statistics.median(times))
        for _ in range(RUNS):
            os.sync()  # every timed operation starts with the writes before it on disk
            start = time.perf_counter()
            status, answer = request(port, "POST", f"/v1/projects/{project}/download", as_json,
                                     json.dumps({"format": "JSONL", "exportApproved": False}).encode())
            task = json.loads(answer)["task_id"]
            wait_task(task, auth)
            status, archive = request(port, "GET", f"/v1/projects/{project}/download?taskId={task}", auth)
            figures.add("export", time.perf_counter() - start)
            if status != 200:
                raise PeerUnavailable(f"the export download answered {status}")
            (folder / "export.zip").write_bytes(archive)
            with zipfile.ZipFile(folder / "export.zip") as exported:
                exported.testzip()
        figures.memory = server.memory()
    finally:
        server.stop()
    return figures


# -- Curator --------------------------------------------------------------------------------


def run_timed(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall seconds from process start to its end, its peak memory in MB, its output."""
    os.sync()  # as before every peer's timed operation: the writes before it are on disk
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed: {output.decode(errors='replace')[-500:]}")
    return elapsed, usage.ru_maxrss / 1024, output.decode(errors="replace")


CURATOR = [sys.executable, "-m", "ui.launch"]  # what the installed ``curator`` script runs

# The window as ``curator gui`` opens it, ending once the list and the first article are
# painted: prints the seconds since the process started (the parent times the whole).
WINDOW_SCRIPT = """
import sys
import time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from curator.project import Settings, open_project
from ui.app import create_app
from ui.windows.main_window import MainWindow
app = create_app()
settings = Settings(Path(sys.argv[2]))
settings.annotator = "bench"
store = open_project(sys.argv[1])
window = MainWindow(store, settings)
window.show()
app.processEvents()
window.document_table.viewport().repaint()
window.article.viewport().repaint()
print(time.time(), flush=True)  # painted: the parent subtracts the time it started the process
assert window.document is not None and window.documents.rowCount() > 0
print(window.documents.rowCount())
store.close()
"""

# The article import in process, and the floor for it: parsing every line with
# orjson plus one bare ``executemany`` of the very rows the import stored (read back from
# its project) into the documents table of a new project, on the same pragmas, committed.
# Prints the two in seconds.
FLOOR_SCRIPT = """
import os, sqlite3, sys, time
from pathlib import Path
import orjson
from curator.formats.articles import import_files
from curator.store import Store
path, imported, empty = sys.argv[1:4]
store = Store.open(imported)
os.sync()
start = time.perf_counter()
import_files(store, [path])
inside = time.perf_counter() - start
store.close()
source = sqlite3.connect(Path(imported) / "curator.db")
cursor = source.execute("SELECT * FROM documents")
columns, rows = [d[0] for d in cursor.description], cursor.fetchall()
source.close()
target = sqlite3.connect(Path(empty) / "curator.db", isolation_level=None)
target.execute("PRAGMA journal_mode=WAL")
target.execute("PRAGMA synchronous=FULL")
os.sync()
start = time.perf_counter()
with open(path, "rb") as lines:
    records = [orjson.loads(line) for line in lines if line.strip()]
target.execute("BEGIN")
target.executemany(f"INSERT INTO documents ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
target.execute("COMMIT")
floor = time.perf_counter() - start
assert len(records) == len(rows), (len(records), len(rows))
print(inside, floor)
"""

# What the command-line goals ask of any Python program, timed like the ``curator``
# commands from process start: a bare script with Python's sqlite3 and orjson and no
# checks, models or project. Its import writes each line's fields into a documents table
# of the same columns (the project ``curator init`` made); its Label Studio import writes
# the tasks' texts and then their spans, in one transaction; its export reads the
# documents and their spans back and writes them as one JSON list. If even these miss a goal, no
# Curator on the same runtime can meet it.
# Both bare imports' documents: one transaction on the project's pragmas, one executemany.
_INSERT_DOCUMENTS = """db = sqlite3.connect(project + "/curator.db", isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("BEGIN")
db.executemany("INSERT INTO documents (uid, title, source, url, published, text, origin, extra, created, search) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
"""

BARE_IMPORT_SCRIPT = """
import sqlite3, sys
from datetime import datetime, timezone
import orjson
path, project = sys.argv[1:3]
now = datetime.now(timezone.utc).isoformat()
with open(path, "rb") as lines:
    records = [orjson.loads(line) for line in lines if line.strip()]
rows = [(r.get("id"), r.get("title"), r.get("source"), r.get("url"), r.get("published"), r["text"], path,
         orjson.dumps({}).decode(), now, r.get("id")) for r in records]
{INSERT_DOCUMENTS}db.execute("COMMIT")
""".replace("{INSERT_DOCUMENTS}", _INSERT_DOCUMENTS)

BARE_LABELSTUDIO_SCRIPT = """
import sqlite3, sys, uuid
from datetime import datetime, timezone
import orjson
path, project = sys.argv[1:3]
now = datetime.now(timezone.utc).isoformat()
with open(path, "rb") as source:
    tasks = orjson.loads(source.read())
rows = [(t["data"]["meta"]["uid"], None, t["data"]["meta"].get("source"), None, None, t["data"]["text"], path, "{}",
         now, t["data"]["meta"]["uid"]) for t in tasks]
{INSERT_DOCUMENTS}ids = dict(db.execute("SELECT uid, id FROM documents"))
spans = [(uuid.uuid4().hex, ids[t["data"]["meta"]["uid"]], r["value"]["start"], r["value"]["end"],
          r["value"]["labels"][0], "label-studio", now, now, None, None)
         for t in tasks for a in t["annotations"] for r in a["result"]]
db.executemany("INSERT INTO annotations (id, doc_id, start, \\"end\\", label, annotator, created, updated, value, "
               "entity_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)
db.execute("COMMIT")
""".replace("{INSERT_DOCUMENTS}", _INSERT_DOCUMENTS)

BARE_EXPORT_SCRIPT = """
import sqlite3, sys
import orjson
project, target = sys.argv[1:3]
db = sqlite3.connect(project + "/curator.db")
spans = {}
for row in db.execute("SELECT doc_id, id, start, \\"end\\", label, annotator, value FROM annotations"):
    spans.setdefault(row[0], []).append({"id": row[1], "start": row[2], "end": row[3], "label": row[4],
                                         "annotator": row[5], "value": row[6]})
documents = [{"id": uid, "title": title, "source": source, "url": url, "published": published, "text": text,
              "annotations": spans.get(doc_id, [])}
             for doc_id, uid, title, source, url, published, text
             in db.execute("SELECT id, uid, title, source, url, published, text FROM documents ORDER BY id")]
with open(target, "wb") as out:
    out.write(orjson.dumps({"documents": documents}))
"""

# Serves a document with its spans as JSON on loopback, for the like-for-like row only:
# Curator has no server, so this is the same read the window makes behind Python's own
# http.server, encoded as the JSON export encodes it.
SERVE_SCRIPT = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import orjson
from curator.store import Store
store = Store.open(sys.argv[1])
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        doc_id = int(self.path.rsplit("/", 1)[1])
        document = store.get_document(doc_id)
        spans = store.annotations_for(doc_id)
        body = orjson.dumps({"document": document.model_dump(mode="json"),
                             "annotations": [span.model_dump(mode="json") for span in spans]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler)
print("ready", flush=True)
server.serve_forever()
"""


def curator(folder: Path, files: dict[str, Path], annotated: list[int]) -> Figures:
    sys.path.insert(0, str(ROOT))
    from curator.store import Store

    figures = Figures("Curator")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    # Compiled first, as installing a package compiles it (and as the peers' were): a
    # checkout run where bytecode is not written would compile every module every run.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "curator"), str(ROOT / "ui")], check=True,
                   stdout=subprocess.DEVNULL)
    memory = 0.0
    for operation, source in (("import", "articles"), ("import labelstudio", "labelstudio"),
                              ("import doccano", "doccano")):
        for run in range(RUNS):
            project = folder / f"{source}-{run}"
            init, peak_init, _ = run_timed([*CURATOR, "init", str(project)], env)
            seconds, peak, output = run_timed([*CURATOR, "import", str(project), str(files[source])], env)
            figures.add(operation, init + seconds)
            memory = max(memory, peak_init, peak)
    for run in range(RUNS):  # the floor for the article import, each run on new projects
        imported, empty = folder / f"floor-{run}", folder / f"floor-empty-{run}"
        for project in (imported, empty):
            run_timed([*CURATOR, "init", str(project)], env)
        _, _, output = run_timed([sys.executable, "-c", FLOOR_SCRIPT, str(files["articles"]), str(imported),
                                  str(empty)], env)
        inside, floor = (float(value) for value in output.split()[-2:])
        figures.add("import in process", inside)
        figures.add("floor", floor)
    project = folder / "labelstudio-0"  # the corpus with its spans, as the peers hold it
    for run in range(RUNS):
        seconds, peak, output = run_timed([*CURATOR, "export", str(project), "-o", str(folder / "out.json")], env)
        figures.add("export", seconds)
        memory = max(memory, peak)
    for run in range(RUNS):  # the bare scripts, for what any Python program takes (not Curator's figures)
        bare = folder / f"bare-{run}"
        init, _, _ = run_timed([*CURATOR, "init", str(bare)], env)
        seconds, _, _ = run_timed([sys.executable, "-c", BARE_IMPORT_SCRIPT, str(files["articles"]), str(bare)], env)
        figures.add("bare import", init + seconds)
        bare = folder / f"bare-labelstudio-{run}"
        init, _, _ = run_timed([*CURATOR, "init", str(bare)], env)
        seconds, _, _ = run_timed([sys.executable, "-c", BARE_LABELSTUDIO_SCRIPT, str(files["labelstudio"]),
                                   str(bare)], env)
        figures.add("bare import labelstudio", init + seconds)
        seconds, _, _ = run_timed([sys.executable, "-c", BARE_EXPORT_SCRIPT, str(project), str(folder / "bare.json")],
                                  env)
        figures.add("bare export", seconds)
    for run in range(RUNS):
        seconds, peak, output = run_timed([sys.executable, "-c", WINDOW_SCRIPT, str(project),
                                           str(folder / "settings.json")], env)
        figures.add("start", seconds)
        memory = max(memory, peak)
    figures.memory = memory
    store = Store.open(project)
    id_of = {uid: doc_id for doc_id, uid in store.uids().items()}
    annotated_ids = [id_of[f"doc-{place:06d}"] for place in annotated]  # the corpus's uids
    for run in range(RUNS):  # the window's own read path: the document, then its spans
        times = []
        for doc_id in random.Random(run).sample(annotated_ids, min(200, len(annotated_ids))):
            start = time.perf_counter()
            store.get_document(doc_id)
            store.annotations_for(doc_id)
            times.append(time.perf_counter() - start)
        figures.add("fetch", statistics.median(times))
    store.close()
    port = free_port()
    serving = subprocess.Popen([sys.executable, "-c", SERVE_SCRIPT, str(project), str(port)], env=env, cwd=ROOT,
                               stdout=subprocess.PIPE, start_new_session=True)
    try:
        serving.stdout.readline()
        for run in range(RUNS):
            times = []
            for doc_id in random.Random(run).sample(annotated_ids, min(200, len(annotated_ids))):
                start = time.perf_counter()
                status, answer = request(port, "GET", f"/documents/{doc_id}")
                times.append(time.perf_counter() - start)
                if status != 200 or not json.loads(answer)["annotations"]:
                    raise RuntimeError(f"document {doc_id} answered {status} or has no annotations")
            figures.add("fetch over HTTP", statistics.median(times))
    finally:
        os.killpg(serving.pid, signal.SIGTERM)
        serving.wait()
    return figures


# -- the report -----------------------------------------------------------------------------

ROWS = [  # operation, Curator's row, what it is compared with, the peers' row, goal (faster peer / Curator)
    ("import", "import the corpus: `curator init` + `curator import` of the articles", "import", 8),
    ("bare import", "  a bare script instead (sqlite3 and orjson, no checks), after `curator init`", "import", 8),
    ("import labelstudio", "import a Label Studio tasks file (`curator init` + `curator import`)", "import", 5),
    ("bare import labelstudio", "  a bare script instead (sqlite3 and orjson, no checks), after `curator init`",
     "import", 5),
    ("import doccano", "import a doccano JSONL file (`curator init` + `curator import`)", "import", 5),
    ("fetch", "fetch one document with its spans: the window's read path", "fetch", None),
    ("fetch over HTTP", "fetch one document with its spans over loopback HTTP", "fetch", None),
    ("export", "export JSON: `curator export` wall time", "export", 10),
    ("bare export", "  a bare script instead (sqlite3 and orjson, no checks)", "export", 10),
    ("start", "start: the window until list and article are painted / a server until it answers", "start", None),
]


def spread(values: list[float]) -> str:
    unit, scale = ("ms", 1000) if max(values) < 1 else ("s", 1)
    middle = statistics.median(values) * scale
    digits = 1 if unit == "ms" or middle < 10 else 0
    return f"{middle:.{digits}f} {unit} ({min(values) * scale:.{digits}f}-{max(values) * scale:.{digits}f})"


def report(ours: Figures, peers: list[Figures], missing: dict[str, str], documents: int, spans: int) -> str:
    lines = [f"Curator against {', '.join(p.name for p in peers) or 'no peer'}, {documents:,} articles "
             f"({spans:,} spans), {RUNS} runs each: median (fastest-slowest).", "",
             "| operation | Curator | " + " | ".join(p.name for p in peers) + " | faster peer / Curator | goal |",
             "|---|---|" + "---|" * len(peers) + "---|---|"]
    for operation, title, peer_operation, goal in ROWS:
        if operation not in ours.seconds:
            continue
        cells = [spread(p.seconds[peer_operation]) if peer_operation in p.seconds else "-" for p in peers]
        measured = [p for p in peers if peer_operation in p.seconds]
        ratio = "-"
        if measured:
            faster = min(measured, key=lambda p: statistics.median(p.seconds[peer_operation]))
            theirs, mine = faster.seconds[peer_operation], ours.seconds[operation]
            ratio = (f"{statistics.median(theirs) / statistics.median(mine):.1f}x "
                     f"({min(theirs) / max(mine):.1f}-{max(theirs) / min(mine):.1f}), {faster.name}")
        lines.append(f"| {title} | {spread(ours.seconds[operation])} | " + " | ".join(cells)
                     + f" | {ratio} | {f'{goal}x' if goal else '-'} |")
    lines.append("| peak memory (MB): Curator's largest command or window; a server's processes summed | "
                  f"{ours.memory:.0f} | " + " | ".join(f"{p.memory:.0f}" if p.memory else "-" for p in peers)
                  + " | | |")
    lines.append("")
    for peer in peers:
        version = PEERS[peer.name][1]
        lines.append(f"- {peer.name} {version}: {peer.note}")
    for name, reason in missing.items():
        lines.append(f"- {name} was not measured, so no ratio is given against it: {reason}")
    return "\n".join(lines)


def floor_line(ours: Figures) -> str:
    """The article import in process against the issue's floor, run by run (goal: 1.3x)."""
    inside, floor = ours.seconds["import in process"], ours.seconds["floor"]
    ratios = [mine / bare for mine, bare in zip(inside, floor, strict=True)]
    return (f"- The article import in process: {spread(inside)}, against the floor (orjson parse of every line plus "
            f"a bare `executemany` of the same rows, committed): {spread(floor)}; {statistics.median(ratios):.2f}x "
            f"the floor ({min(ratios):.2f}-{max(ratios):.2f}), goal 1.3x.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--annotated", type=int, default=2_000, help="articles carrying spans")
    parser.add_argument("--spans", type=int, default=20, help="spans per annotated article")
    parser.add_argument("--peers", nargs="*", default=list(PEERS), help="which peers to run")
    parser.add_argument("--json", type=Path, help="also write every measured figure here")
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="curator-peers-") as tmp:
        folder = Path(tmp)
        files = write_peer_files(folder / "files", args.docs, args.annotated, args.spans)
        spans = span_count(folder / "files")
        annotated = json.loads(files["annotated"].read_text())
        print(f"corpus: {args.docs:,} articles, {spans:,} spans", flush=True)
        peers, missing = [], {}
        for name in args.peers:
            runner = label_studio if name == "Label Studio" else doccano
            place = folder / name.replace(" ", "-").lower()
            place.mkdir()
            try:
                peers.append(runner(install(name), place, files, annotated))
                print(f"{name}: {peers[-1].seconds}", flush=True)
            except (PeerUnavailable, OSError, ValueError, KeyError) as exc:
                missing[name] = f"{type(exc).__name__}: {exc}"
                print(f"{name}: not measured: {missing[name]}", flush=True)
        (folder / "curator").mkdir()
        ours = curator(folder / "curator", files, annotated)
        print(f"Curator: {ours.seconds}", flush=True)
        print()
        print(report(ours, peers, missing, args.docs, spans))
        print(floor_line(ours))
        if args.json:
            args.json.write_text(json.dumps({"docs": args.docs, "spans": spans, "missing": missing, "sides": [
                {"name": side.name, "seconds": side.seconds, "memory_mb": side.memory, "note": side.note}
                for side in (ours, *peers)]}, indent=1))


if __name__ == "__main__":
    main()
