"""The core must never need Qt: it is imported here with Qt made unimportable."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import curator

ROOT = Path(__file__).resolve().parent.parent

BLOCK_QT = """
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'shiboken6', 'PyQt5', 'PyQt6', 'ui'}:
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
import curator
for module in pkgutil.iter_modules(curator.__path__):
    if module.name != '__main__':
        importlib.import_module('curator.' + module.name)
print('ok', len(sys.modules))
"""


def test_every_core_module_imports_without_qt():
    modules = [m.name for m in pkgutil.iter_modules(curator.__path__)]
    assert {"models", "store", "importer", "export", "commands", "cli"} <= set(modules)
    result = subprocess.run([sys.executable, "-c", BLOCK_QT], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_core_sources_name_no_qt():
    for path in (ROOT / "curator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "PySide6" not in text and "from ui" not in text and "import ui" not in text, path
