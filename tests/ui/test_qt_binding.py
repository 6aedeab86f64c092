"""Guards against a Qt binding whose signals corrupt Python's reference counts.

PySide6 6.12.0 on Python 3.11 loses a reference to True on every Signal.emit,
so a session that emits a few hundred signals aborts. Curator emits one per edit.
"""

import subprocess
import sys

EMIT_MANY = """
from PySide6.QtCore import QCoreApplication, QObject, Signal
app = QCoreApplication([])
class Source(QObject):
    changed = Signal(object)
source = Source()
for i in range(20000):
    source.changed.emit(i)
print("survived")
"""


def test_emitting_many_signals_does_not_crash_the_interpreter():
    result = subprocess.run([sys.executable, "-c", EMIT_MANY], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "survived"
