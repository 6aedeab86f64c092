"""Curator beside Label Studio and doccano, and beside the floor, measured in one run on one corpus.

    python benchmarks/peers.py                 # 20,000 articles, 2,000 with 20 spans each
    python benchmarks/peers.py --docs 2000     # a quick run

Each peer is installed from PyPI into a virtual environment of its own, kept in a cache
folder outside the repository (``$XDG_CACHE_HOME/curator-benchmarks/peers``, by default
under ``~/.cache``), started on loopback with its own data folder, driven through its
REST API and stopped. Every operation is run three times on each side; a row shows the
median and the spread (fastest-slowest), and a ratio only when both sides were measured
in this run. A peer that cannot be installed or started is named with the reason, and no
ratio is printed against it.

Two tables are printed. Against the peers: the imports of the peers' own files (the same
documents and spans in each) lead, as the like-for-like rows; the export is of every
document on every side (Label Studio's with ``download_all_tasks=true``); the article
import, which stores no spans, is labelled as such. Under it, what each side did: the
documents and spans each stored or wrote, and the bytes of each export, so a reader can
check that it was the same work. Against the floor: Curator's commands beside the bare
scripts (Python's sqlite3 and orjson, no checks) doing the same work, taken in turn, with
each run's ratio and the goal of 1.3x.

Curator is timed as its users feel it: command-line rows are the wall time of the
``curator`` command, process start included; the window row runs from process start
until the list and the first article are painted. Memory is the peak proportional set
size (PSS) of each side's processes, summed over the process tree and sampled (see
``benchmarks/memory.py``): shared pages count once, not once per forked worker.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import json
import os
import platform
import random
import secrets
import signal
import socket
import sqlite3
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

from memory import METHOD, PeakSampler  # noqa: E402
from peer_files import spans as span_count  # noqa: E402
from peer_files import write_peer_files  # noqa: E402
from tables import megabytes, paired_ratios, ratio_spread, size_in_bytes, spread, table  # noqa: E402
from timed_scripts import (  # noqa: E402
    BARE_EXPORT_SCRIPT,
    BARE_IMPORT_SCRIPT,
    BARE_LABELSTUDIO_SCRIPT,
    CURATOR,
    EXPORT_IN_PROCESS_SCRIPT,
    FLOOR_SCRIPT,
    LABELSTUDIO_PHASES_SCRIPT,
    SERVE_SCRIPT,
    WINDOW_SCRIPT,
)

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curator-benchmarks" / "peers"
# The releases the scale issue compared against, and the pins their own loose requirements
# now need to run at all (Label Studio passes sentry-sdk options that its 3.0 refuses at
# start; environs reads a marshmallow 3 attribute; pandas 1.5 is built against numpy 1).
PEERS = {"Label Studio": ("label-studio", "1.23.2", ["sentry-sdk<3"]),
         "doccano": ("doccano", "1.8.4", ["marshmallow<4", "numpy<2"])}
LABELS = ("PERSON", "LOCATION", "ORG", "PERCENT", "DATE", "MONEY")
RUNS = 3
FLOOR_GOAL = 1.3  # each command's wall time against the bare script doing the same work
SAMPLE_INTERVAL = 0.05  # seconds between two readings of a process tree's memory


class PeerUnavailable(Exception):
    """A peer could not be installed or started; the message says why."""


@dataclass
class Figures:
    """One side's measured seconds per operation, its peak memory in MB, and what it did
    per operation (documents and spans stored, bytes written), in words."""

    name: str
    seconds: dict[str, list[float]] = field(default_factory=dict)
    memory: float | None = None
    note: str = ""
    work: dict[str, str] = field(default_factory=dict)

    def add(self, operation: str, value: float) -> None:
        self.seconds.setdefault(operation, []).append(value)

    def did(self, operation: str, work: str) -> None:
        """Record what ``operation`` did; a run that did other work than the first is noted."""
        if self.work.setdefault(operation, work) != work:
            self.work[operation] += f" (another run: {work})"


# -- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """Processes started in a session of their own, stopped together (SIGTERM, then SIGKILL).
    While any runs, the summed PSS of their process trees is sampled; ``memory()`` is its peak."""

    def __init__(self, log: Path) -> None:
        self.processes: list[subprocess.Popen] = []
        self.log = log
        self.peak = 0.0
        self.largest_tree = 0
        self._sampler: PeakSampler | None = None

    def start(self, command: list[str], env: dict[str, str], cwd: Path) -> None:
        with self.log.open("a") as out:
            self.processes.append(subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                                   start_new_session=True))
        if self._sampler is None:
            self._sampler = PeakSampler(interval=SAMPLE_INTERVAL).start()
        self._sampler.add(self.processes[-1].pid)

    def memory(self) -> float:
        """The peak summed PSS of the server's processes, in MB, since ``forget_memory``."""
        if self._sampler is not None:
            self._sampler.sample()
            self.largest_tree = max(self.largest_tree, self._sampler.largest_tree)
            return max(self.peak, self._sampler.peak)
        return self.peak

    def forget_memory(self) -> None:
        """Start the peak afresh (after a first start that only creates the database)."""
        self.peak, self.largest_tree = 0.0, 0
        if self._sampler is not None:
            self._sampler.peak, self._sampler.largest_tree = 0.0, 0

    def stop(self) -> None:
        if self._sampler is not None:
            self.peak = max(self.peak, self._sampler.stop())
            self.largest_tree = max(self.largest_tree, self._sampler.largest_tree)
            self._sampler = None
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


def installed_marker(name: str) -> Path:
    """The file that says the peer is installed, with its release and pins: a new pin
    installs it again."""
    package, version, pins = PEERS[name]
    pinned = hashlib.sha256(" ".join(pins).encode()).hexdigest()[:8]
    return CACHE / package / f".installed-{version}-{pinned}"


def install(name: str) -> Path:
    """The peer's virtual environment's bin folder, installed on first use."""
    package, version, pins = PEERS[name]
    venv = CACHE / package
    marker = installed_marker(name)
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
        server.forget_memory()  # its memory is that of the work below, not of creating its tables
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
            imported = json.loads(answer)
            figures.did("import", f"{imported.get('task_count', 0):,} tasks with {imported.get('annotation_count', 0):,} "
                                  "annotations stored, each holding one article's spans (its answer)")
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
            # Every task: by default the endpoint exports only the tasks that have annotations.
            status, answer = request(port, "GET", f"/api/projects/{projects[0]}/export?exportType=JSON"
                                                  "&download_all_tasks=true", auth)
            figures.add("export", time.perf_counter() - start)
            if status != 200:
                raise PeerUnavailable(f"the export answered {status}: {answer[:200]!r}")
            tasks = json.loads(answer)
            results = sum(len(annotation.get("result") or []) for task in tasks for annotation in task["annotations"])
            figures.did("export", f"JSON of {size_in_bytes(len(answer))}: {len(tasks):,} tasks, {results:,} spans")
        figures.memory = server.memory()
        figures.note += f"; memory summed over {server.largest_tree} process(es)"
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
            _status, answer = request(port, "GET", f"/v1/tasks/status/{task}", auth)
            state = json.loads(answer)
            if state.get("ready"):
                if state.get("error"):
                    raise PeerUnavailable(f"task {task} failed: {str(state['error'])[:200]}")
                return state.get("result")
            time.sleep(0.05)

    def stored(project: int) -> str:
        # What a project holds, counted by doccano's own metrics (examples; spans per member and label).
        status, progress = request(port, "GET", f"/v1/projects/{project}/metrics/progress", auth)
        status_spans, spans = request(port, "GET", f"/v1/projects/{project}/metrics/span-distribution", auth)
        if status != 200 or status_spans != 200:
            raise PeerUnavailable(f"its metrics answered {status}/{status_spans}")
        counted = sum(count for labels in json.loads(spans).values() for count in labels.values())  # {user: {label: n}}
        return f"{json.loads(progress)['total']:,} examples with {counted:,} spans stored (its metrics)"

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
            figures.did("import", stored(project))
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
            figures.did("export", zipped_jsonl(archive))
        figures.memory = server.memory()
        figures.note += f"; memory summed over {server.largest_tree} process(es) (web server and task worker)"
    finally:
        server.stop()
    return figures


def zipped_jsonl(archive: bytes) -> str:
    """What doccano's export zip holds: its JSONL files' bytes, lines and spans."""
    lines = spans = size = 0
    with zipfile.ZipFile(io.BytesIO(archive)) as exported:
        if exported.testzip() is not None:
            raise PeerUnavailable("the export is a damaged zip")
        names = exported.namelist()
        for name in names:
            data = exported.read(name)
            size += len(data)
            for line in data.splitlines():
                if line.strip():
                    lines += 1
                    spans += len(json.loads(line).get("label") or [])
    return (f"JSONL of {size_in_bytes(size)} in a zip of {size_in_bytes(len(archive))} ({', '.join(names)}): "
            f"{lines:,} lines, {spans:,} spans")


# -- Curator and the floor -----------------------------------------------------------------


def run_timed(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall seconds from process start to its end, its peak memory (summed PSS of its
    process tree, sampled) in MB, and its output."""
    os.sync()  # as before every peer's timed operation: the writes before it are on disk
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    with PeakSampler(process.pid, interval=SAMPLE_INTERVAL) as sampler:
        output = process.stdout.read()
        process.wait()
    elapsed = time.perf_counter() - start
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed: {output.decode(errors='replace')[-500:]}")
    return elapsed, sampler.peak, output.decode(errors="replace")


def project_holds(project: Path) -> str:
    """The documents and spans a project's database holds, counted with sqlite3."""
    with sqlite3.connect(f"file:{project / 'curator.db'}?mode=ro", uri=True) as db:
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        spans = db.execute("SELECT count(*) FROM annotations").fetchone()[0]
    return f"{documents:,} documents with {spans:,} spans stored"


def json_export_holds(path: Path) -> str:
    """What a JSON export of documents holds: its bytes, documents and spans."""
    import orjson

    data = path.read_bytes()
    documents = orjson.loads(data)["documents"]
    spans = sum(len(document["annotations"]) for document in documents)
    return f"JSON of {size_in_bytes(len(data))}: {len(documents):,} documents, {spans:,} spans"


def curator(folder: Path, files: dict[str, Path], annotated: list[int]) -> tuple[Figures, Figures]:
    """Curator's side and the floor's (the bare scripts), each command's runs taken in turn
    with the bare script doing the same work, so that both share the machine's drift."""
    sys.path.insert(0, str(ROOT))
    from curator.store import Store

    figures, floor = Figures("Curator"), Figures("floor")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    # Compiled first, as installing a package compiles it (and as the peers' were): a
    # checkout run where bytecode is not written would compile every module every run.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "curator"), str(ROOT / "ui")], check=True,
                   stdout=subprocess.DEVNULL)
    memory = 0.0

    def command(operation: str, arguments: list[str], project: Path | None = None, init: bool = False) -> None:
        nonlocal memory
        seconds = 0.0
        if init:  # `curator init` counts, as a new project needs it
            seconds, peak, _ = run_timed([*CURATOR, "init", str(project)], env)
            memory = max(memory, peak)
        took, peak, _ = run_timed([*CURATOR, *arguments], env)
        figures.add(operation, seconds + took)
        memory = max(memory, peak)

    def bare(operation: str, script: str, arguments: list[str], project: Path | None = None) -> None:
        seconds = 0.0
        if project is not None:  # the bare imports write into the tables `curator init` made, its time counted
            seconds, _, _ = run_timed([*CURATOR, "init", str(project)], env)
        took, _, _ = run_timed([sys.executable, "-c", script, *arguments], env)
        floor.add(operation, seconds + took)

    for run in range(RUNS):
        project, bare_project = folder / f"articles-{run}", folder / f"bare-{run}"
        command("import articles", ["import", str(project), str(files["articles"])], project, init=True)
        figures.did("import articles", project_holds(project))
        bare("import articles", BARE_IMPORT_SCRIPT, [str(files["articles"]), str(bare_project)], bare_project)
        floor.did("import articles", project_holds(bare_project))

        project, bare_project = folder / f"labelstudio-{run}", folder / f"bare-labelstudio-{run}"
        command("import labelstudio", ["import", str(project), str(files["labelstudio"])], project, init=True)
        figures.did("import labelstudio", project_holds(project))
        bare("import labelstudio", BARE_LABELSTUDIO_SCRIPT, [str(files["labelstudio"]), str(bare_project)],
             bare_project)
        floor.did("import labelstudio", project_holds(bare_project))

        project = folder / f"doccano-{run}"
        command("import doccano", ["import", str(project), str(files["doccano"])], project, init=True)
        figures.did("import doccano", project_holds(project))

        # The article import in process against the floor in process (parse and insert only).
        imported, empty = folder / f"floor-{run}", folder / f"floor-empty-{run}"
        for new in (imported, empty):
            run_timed([*CURATOR, "init", str(new)], env)
        _, _, output = run_timed([sys.executable, "-c", FLOOR_SCRIPT, str(files["articles"]), str(imported),
                                  str(empty)], env)
        inside, bare_inside = (float(value) for value in output.split()[-2:])
        figures.add("import in process", inside)
        floor.add("import in process", bare_inside)
        figures.did("import in process", project_holds(imported))
        floor.did("import in process", project_holds(empty))

        # The Label Studio import in process, phase by phase, against the floor's phases.
        imported, empty = folder / f"phases-{run}", folder / f"phases-empty-{run}"
        for new in (imported, empty):
            run_timed([*CURATOR, "init", str(new)], env)
        _, _, output = run_timed([sys.executable, "-c", LABELSTUDIO_PHASES_SCRIPT, str(files["labelstudio"]),
                                  str(imported), str(empty)], env)
        phases = [float(value) for value in output.split()[-6:]]
        for side, values in ((figures, phases[:3]), (floor, phases[3:])):
            side.add("import labelstudio in process", sum(values))
            for name, value in zip(PHASES, values):
                side.add(f"phase {name}", value)
        figures.did("import labelstudio in process", project_holds(imported))
        floor.did("import labelstudio in process", project_holds(empty))

        # Start-up: a command that opens the project and imports one article, against a
        # bare script that opens the database and inserts it (the projects made before).
        project, bare_project = folder / f"start-{run}", folder / f"bare-start-{run}"
        for new in (project, bare_project):
            run_timed([*CURATOR, "init", str(new)], env)
        command("start-up", ["import", str(project), str(files["one"])])
        figures.did("start-up", project_holds(project))
        bare("start-up", BARE_IMPORT_SCRIPT, [str(files["one"]), str(bare_project)])
        floor.did("start-up", project_holds(bare_project))

    project = folder / "labelstudio-0"  # the corpus with its spans, as the peers hold it
    for run in range(RUNS):
        command("export", ["export", str(project), "-o", str(folder / "out.json")])
        figures.did("export", json_export_holds(folder / "out.json"))
        bare("export", BARE_EXPORT_SCRIPT, [str(project), str(folder / "bare.json")])
        floor.did("export", json_export_holds(folder / "bare.json"))
        # The same export in process, and what each side loads before it works.
        _, _, output = run_timed([sys.executable, "-c", EXPORT_IN_PROCESS_SCRIPT, str(project),
                                  str(folder / "inside.json"), str(folder / "bare-inside.json"),
                                  "ours" if run % 2 == 0 else "bare"], env)
        values = [float(value) for value in output.split()[-4:]]
        for side, load, inside in ((figures, values[0], values[2]), (floor, values[1], values[3])):
            side.add("load", load)
            side.add("export in process", inside)
        figures.did("export in process", json_export_holds(folder / "inside.json"))
        floor.did("export in process", json_export_holds(folder / "bare-inside.json"))
    for run in range(RUNS):
        seconds, peak, output = run_timed([sys.executable, "-c", WINDOW_SCRIPT, str(project),
                                           str(folder / "settings.json")], env)
        figures.add("start", seconds)
        figures.did("start", f"the window with {int(output.split()[-1]):,} documents in its list")
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
    return figures, floor


# -- the report -----------------------------------------------------------------------------

# Curator's operation, what the row is, the peers' operation it is set against. The file
# imports lead: each peer imports its own file of the same documents and spans.
PEER_ROWS = [
    ("import labelstudio", ("import the Label Studio tasks file with its spans (`curator init` + `curator import`; "
                            "a peer: its own file of the same documents and spans)"), "import"),
    ("import doccano", ("import the doccano JSONL file with its spans (`curator init` + `curator import`; "
                        "a peer: its own file of the same documents and spans)"), "import"),
    ("export", ("export every document with its spans (`curator export -o out.json`; Label Studio: JSON with "
                "`download_all_tasks=true`; doccano: JSONL of all)"), "export"),
    ("fetch", "fetch one document with its spans: the window's read path", "fetch"),
    ("fetch over HTTP", "fetch one document with its spans over loopback HTTP", "fetch"),
    ("start", "start: the window until list and article are painted / a server until it answers", "start"),
    ("import articles", ("import the articles, WITHOUT spans (`curator init` + `curator import` of JSONL); not "
                         "like for like: a peer's cell is its file import, with spans"), "import"),
]

# Curator's operation, the work, as the floor table names it.
FLOOR_ROWS = [
    ("import articles", "import the articles (`curator init` + `curator import`, from process start)"),
    ("import labelstudio", "import the Label Studio file (`curator init` + `curator import`, from process start)"),
    ("export", "export JSON (`curator export -o out.json`, from process start)"),
    ("import in process", "the article import in process (parse and insert only, no process start)"),
    ("import labelstudio in process", ("the Label Studio import in process (detect, parse, read, check and "
                                       "insert; no process start)")),
    ("export in process", "the JSON export in process (as `curator export` makes it; no process start)"),
    ("start-up", "start-up: `curator import` of one article into a project, from process start"),
    ("load", ("what the export loads before it works: the store's modules (SQLAlchemy, pydantic, the models) and "
              "the export's own / sqlite3 and orjson")),
]
# Rows that say where the time goes, with no goal of their own.
UNGOALED = {"import labelstudio in process", "start-up", "load"}
# The Label Studio import's phases in process: Curator's (told by its progress) / the floor's.
PHASES = ("read", "check", "write")
PHASE_TITLES = {"read": "detect and parse the file, read its tasks / parse", "check": (
    "check the tasks against the project / make the rows"), "write": "insert and commit / insert and commit"}


def peers_table(ours: Figures, peers: list[Figures], missing: dict[str, str], documents: int, spans: int,
                inputs: dict[str, int]) -> str:
    """The table against the peers, then what each side did in each row."""
    names = [peer.name for peer in peers]
    rows, work = [], []
    for operation, title, peer_operation in PEER_ROWS:
        if operation not in ours.seconds:
            continue
        measured = [p for p in peers if peer_operation in p.seconds]
        ratio = None
        if measured:
            faster = min(measured, key=lambda p: statistics.median(p.seconds[peer_operation]))
            theirs, mine = faster.seconds[peer_operation], ours.seconds[operation]
            ratio = (f"{statistics.median(theirs) / statistics.median(mine):.1f}x "
                     f"({min(theirs) / max(mine):.1f}-{max(theirs) / min(mine):.1f}), {faster.name}")
        rows.append([title, spread(ours.seconds[operation]),
                     *(spread(p.seconds[peer_operation]) if peer_operation in p.seconds else None for p in peers),
                     ratio])
        if operation in ours.work:
            work.append([title.split(" (")[0], ours.work[operation],
                         *(p.work.get(peer_operation) for p in peers)])
    memory = (f"peak memory: {METHOD.format(interval=SAMPLE_INTERVAL)}; Curator's largest command or window, "
              "a peer's server")
    rows.append([memory, megabytes(ours.memory), *(megabytes(p.memory) for p in peers), None])
    heading = (f"Curator against {', '.join(names) or 'no peer'}, {documents:,} articles ({spans:,} spans on "
               f"{inputs.get('annotated', 0):,} of them), {RUNS} runs each: median (fastest-slowest); the ratio is "
               "the faster peer's median over Curator's (the extreme runs' ratios in brackets).")
    lines = [heading, "",
             table(["operation", "Curator", *names, "faster peer / Curator"], rows), "",
             "What each side did (the inputs: " + ", ".join(f"{name} {size_in_bytes(size)}" for name, size
                                                           in inputs.items() if name != "annotated") + "):", "",
             table(["operation", "Curator", *names], work), ""]
    for peer in peers:
        lines.append(f"- {peer.name} {PEERS[peer.name][1]}: {peer.note}")
    for name, reason in missing.items():
        lines.append(f"- {name} was not measured, so no ratio is given against it: {reason}")
    return "\n".join(lines)


def floor_table(ours: Figures, floor: Figures) -> str:
    """Curator against the bare scripts doing the same work, run by run, beside the goal."""
    rows = []
    for operation, title in FLOOR_ROWS:
        if operation not in ours.seconds or operation not in floor.seconds:
            continue
        ratios = paired_ratios(ours.seconds[operation], floor.seconds[operation])
        middle = statistics.median(ratios)
        verdict = "met" if middle <= FLOOR_GOAL else f"missed by {(middle / FLOOR_GOAL - 1) * 100:.0f}%"
        if operation in UNGOALED:
            verdict = "-"
        rows.append([title, spread(ours.seconds[operation]), spread(floor.seconds[operation]), ratio_spread(ratios),
                     "-" if operation in UNGOALED else f"<= {FLOOR_GOAL}x", verdict, f"{ours.work.get(operation, '-')} / {floor.work.get(operation, '-')}"])
    phases = [[PHASE_TITLES[name], spread(ours.seconds[f"phase {name}"]), spread(floor.seconds[f"phase {name}"]),
               ratio_spread(paired_ratios(ours.seconds[f"phase {name}"], floor.seconds[f"phase {name}"]))]
              for name in PHASES if f"phase {name}" in ours.seconds]
    heading = ("Curator against the floor: each command beside a bare script (Python's sqlite3 and orjson, no checks, "
               f"no models) doing the same work, {RUNS} runs taken in turn; the ratio is run by run, median "
               "(extremes).")
    return "\n".join([heading, "",
        table(["work", "Curator", "floor", "Curator / floor", "goal", "verdict", "stored or written: Curator / floor"],
              rows), *(["", "Where the Label Studio import's time goes, in process, phase by phase (Curator's "
                        "phases told by its own progress):", "",
                        table(["phase: Curator / floor", "Curator", "floor", "Curator / floor"], phases)]
                       if phases else [])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--annotated", type=int, default=2_000, help="articles carrying spans")
    parser.add_argument("--spans", type=int, default=20, help="spans per annotated article")
    parser.add_argument("--peers", nargs="*", default=list(PEERS), help="which peers to run")
    parser.add_argument("--json", type=Path, help="also write every measured figure here")
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()}; {time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    with tempfile.TemporaryDirectory(prefix="curator-peers-") as tmp:
        folder = Path(tmp)
        files = write_peer_files(folder / "files", args.docs, args.annotated, args.spans)
        files["one"] = files["articles"].with_name("one.jsonl")  # the start-up row's one article
        with files["articles"].open("rb") as articles:
            files["one"].write_bytes(articles.readline())
        spans = span_count(folder / "files")
        annotated = json.loads(files["annotated"].read_text())
        inputs = {name: files[name].stat().st_size for name in ("articles", "labelstudio", "doccano")}
        inputs["annotated"] = len(annotated)
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
        ours, floor = curator(folder / "curator", files, annotated)
        print(f"Curator: {ours.seconds}", flush=True)
        print(f"floor: {floor.seconds}", flush=True)
        print()
        print(peers_table(ours, peers, missing, args.docs, spans, inputs))
        print()
        print(floor_table(ours, floor))
        if args.json:
            args.json.write_text(json.dumps({
                "docs": args.docs, "spans": spans, "missing": missing, "memory": METHOD.format(
                    interval=SAMPLE_INTERVAL), "floor_goal": FLOOR_GOAL, "sides": [
                    {"name": side.name, "seconds": side.seconds, "memory_mb": side.memory, "note": side.note,
                     "work": side.work} for side in (ours, floor, *peers)]}, indent=1))


if __name__ == "__main__":
    main()
