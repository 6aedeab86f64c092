"""The programs the benchmarks time in processes of their own: Curator's window as
``curator gui`` opens it, the article import in process beside its floor, the bare
scripts (Python's sqlite3 and orjson, no checks) that stand for what any Python program
spends on the same work, and a loopback server for the like-for-like fetch row."""

from __future__ import annotations

import sys

CURATOR = [sys.executable, "-m", "ui.launch"]  # what the installed ``curator`` script runs

# The window as ``curator gui`` opens it, ending once the list and the first article are
# painted: prints the seconds since the process started (the parent times the whole).
WINDOW_SCRIPT = """
import sys
import time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from curator.session.project import open_project
from curator.store.user_settings import Settings
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

# The Label Studio import in process, and the floor's, each in three phases: Curator's
# told by the import's own progress (the moments it says "Checking" and "Writing"):
# detect and parse the file and read its tasks; check them against the project; write
# and commit. The floor's: parse; make the rows; insert and commit. What Curator's
# reading and checks cost beyond the floor, without the process start. Prints the six
# phases' seconds, Curator's first.
LABELSTUDIO_PHASES_SCRIPT = """
import os, sqlite3, sys, time, uuid
from datetime import datetime, timezone
import orjson
from curator.domain.jobs import Job
from curator.formats.interop import import_annotated
from curator.store import Store

class Phases(Job):
    def __init__(self):
        super().__init__()
        self.marks = {}

    def set_status(self, status):
        super().set_status(status)
        self.marks.setdefault(status.split()[0], time.perf_counter())

path, imported, empty = sys.argv[1:4]
store = Store.open(imported)
job = Phases()
os.sync()
start = time.perf_counter()
report = import_annotated(store, path, job=job)
end = time.perf_counter()
store.close()
assert report.spans_added, "nothing imported"
ours = (job.marks["Checking"] - start, job.marks["Writing"] - job.marks["Checking"], end - job.marks["Writing"])
db = sqlite3.connect(empty + "/curator.db", isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
os.sync()
start = time.perf_counter()
with open(path, "rb") as source:
    tasks = orjson.loads(source.read())
parsed = time.perf_counter()
now = datetime.now(timezone.utc).isoformat()
rows = [(t["data"]["meta"]["uid"], None, t["data"]["meta"].get("source"), None, None, t["data"]["text"], path, "{}",
         now, t["data"]["meta"]["uid"]) for t in tasks]
written = time.perf_counter()
db.execute("BEGIN")
db.executemany("INSERT INTO documents (uid, title, source, url, published, text, origin, extra, created, search) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
ids = dict(db.execute("SELECT uid, id FROM documents"))
spans_made = time.perf_counter()
spans = [(uuid.uuid4().hex, ids[t["data"]["meta"]["uid"]], r["value"]["start"], r["value"]["end"],
          r["value"]["labels"][0], "label-studio", now, now, None, None)
         for t in tasks for a in t["annotations"] for r in a["result"]]
span_rows = time.perf_counter() - spans_made
db.executemany("INSERT INTO annotations (id, doc_id, start, \\"end\\", label, annotator, created, updated, value, "
               "entity_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)
db.execute("COMMIT")
end = time.perf_counter()
floor = (parsed - start, written - parsed + span_rows, end - written - span_rows)
assert len(spans) == report.spans_added, (len(spans), report.spans_added)
print(*ours, *floor)
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

# The JSON export in process beside the floor's, with what each loads first: Curator's
# command (the store's modules, SQLAlchemy, pydantic and the models, loaded as the command
# line loads them, then the export's own), the floor's sqlite3 and orjson; then the export
# as ``curator export`` makes it and the bare export's own work, each without the process
# start, in the order the fourth argument gives ("ours" or "bare" first: the caller
# alternates). Where the export's time goes: its start, or its work. Prints the four in
# seconds, the loads first, Curator's before the floor's.
EXPORT_IN_PROCESS_SCRIPT = """
import gc, os, sys, time
start = time.perf_counter()
import sqlite3, orjson
bare_load = time.perf_counter() - start
start = time.perf_counter()
gc.disable()
import curator.store.store
from curator.session.exporting import export
from curator.session.project import open_project
import curator.formats.export
gc.freeze()
gc.enable()
load = time.perf_counter() - start
project, target, bare_target, first = sys.argv[1:5]

def ours():
    os.sync()
    start = time.perf_counter()
    with open_project(project) as store:
        export(store, target)
    return time.perf_counter() - start

def bare():
    sys.argv = [sys.argv[0], project, bare_target]
    os.sync()
    start = time.perf_counter()
    exec(BARE_EXPORT, {})
    return time.perf_counter() - start

if first == "ours":
    inside = ours()
    bare_inside = bare()
else:
    bare_inside = bare()
    inside = ours()
print(load, bare_load, inside, bare_inside)
""".replace("BARE_EXPORT", repr(BARE_EXPORT_SCRIPT))

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

