"""A process killed in the middle of a stream of edits loses none it reported as saved."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from curator.domain.models import Document
from curator.store import Store

WRITER = """
import sys
from curator.session.commands import AddSpan
from curator.domain.models import Annotation
from curator.store import Store
store = Store.open(sys.argv[1])
doc_id = int(sys.argv[2])
i = int(sys.argv[3])  # each round its own spans: one annotator's span is stored once
while True:
    span = Annotation(doc_id=doc_id, start=i, end=i + 1, label="ORG", annotator="w")
    AddSpan(span).apply(store)
    print(span.id, flush=True)  # shown as saved only after the commit
    i += 1
"""


def test_sigkill_during_edits_loses_nothing_shown_as_saved(tmp_path):
    location = tmp_path / "p"
    store = Store.create(location)
    doc_id = store.add_documents([Document(uid="d", text="x" * 100_000)])[0]
    store.close()
    saved: list[str] = []
    for round_ in range(10):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(location), str(doc_id), str(round_ * 10_000)],
                                stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
        reported = []
        deadline = time.monotonic() + 20
        while len(reported) < 40 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            reported.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        saved.extend(reported)
        assert len(reported) >= 40, "the writer did not get going"
    reopened = Store.open(location)
    stored = {a.id for a in reopened.annotations_for(doc_id)}
    assert set(saved) <= stored
    with reopened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    reopened.close()
