"""The core must never need Qt: it is imported here with Qt made unimportable."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

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
for module in pkgutil.walk_packages(curator.__path__, 'curator.'):
    if not module.name.endswith('__main__') and '.migrations' not in module.name:
        importlib.import_module(module.name)
print('ok', len(sys.modules))
"""


def test_every_core_module_imports_without_qt():
    modules = {m.name for m in pkgutil.walk_packages(curator.__path__, "curator.")}
    assert {"curator.domain.models", "curator.store", "curator.formats.articles", "curator.formats.export",
            "curator.session.commands", "curator.cli"} <= modules
    result = subprocess.run([sys.executable, "-c", BLOCK_QT], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_core_sources_name_no_qt():
    for path in (ROOT / "curator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "PySide6" not in text and "from ui" not in text and "import ui" not in text, path


def test_the_core_is_laid_out_by_concept_in_small_modules():
    """One room per concept, and no module a newcomer has to scroll through for long."""
    rooms = {m.name for m in pkgutil.iter_modules(curator.__path__) if m.ispkg}
    assert {"domain", "store", "analysis", "formats", "session"} <= rooms
    for path in (ROOT / "curator").rglob("*.py"):
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 600, f"{path.relative_to(ROOT)} has {lines} lines"


def test_the_ui_has_no_import_circle():
    """No window, widget or model reaches back to what imports it (lazy imports count)."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("ui", "curator")
    circles = [(a, b) for a in graph.modules if a.startswith("ui.")
               for b in graph.find_modules_directly_imported_by(a)
               if b.startswith("ui.") and graph.chain_exists(importer=b, imported=a)]
    assert circles == []


def test_the_ui_is_laid_out_in_small_modules_and_classes():
    """The same bar for the windows as for the core: at most 600 lines a module and 40
    methods a class (a window that grows gives its parts modules of their own)."""
    import ast

    for folder in ("curator", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert text.count("\n") <= 600, f"{path.relative_to(ROOT)} has {text.count(chr(10))} lines"
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.ClassDef):
                    methods = [item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
                    assert len(methods) <= 40, f"{path.relative_to(ROOT)}: {node.name} has {len(methods)} methods"


def _plain_strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module but the pieces of f-strings (a file name built
    from a name, say): a table of formats is written with plain strings."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    pieces = {id(value) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for value in node.values}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in pieces]


def test_export_rules_live_in_the_core_alone():
    """One home per export rule (``curator.session.exporting``): no format table, file
    filter or extension list in the windows or the command line, and no layer default in
    the export's and import's window parts or the command line. A table that comes back
    there fails here."""
    import re

    from curator.formats.interop import IMPORT_SUFFIXES
    from curator.session.exporting import ALL_LAYERS, DEFAULT_LAYER, EXPORT_FORMATS

    names = {fmt.name for fmt in EXPORT_FORMATS} | {"excel", "bio"}
    extensions = {extension for fmt in EXPORT_FORMATS for extension in fmt.extensions} | set(IMPORT_SUFFIXES)
    command_line = [ROOT / "curator" / "cli" / "command_line.py"]  # (where import and export are)
    layer_rules = {*command_line, ROOT / "ui" / "windows" / "export_controller.py",
                   ROOT / "ui" / "windows" / "import_controller.py"}
    found = []
    for path in [*(ROOT / "ui").rglob("*.py"), *command_line]:
        for line, text in _plain_strings(path):
            if (text.lower() in names or text.lower() in extensions or re.search(r"\*\.\w", text)
                    or (path in layer_rules and text in (DEFAULT_LAYER, ALL_LAYERS))):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert found == []


def module_names_shared(*folders: Path) -> dict[str, list[str]]:
    """Every module file name (``__init__`` and ``__main__`` aside) that more than one
    module under ``folders`` has, with the paths of those modules."""
    seen: dict[str, list[str]] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            if path.stem not in ("__init__", "__main__") and "migrations" not in path.parts:
                seen.setdefault(path.name, []).append(path.relative_to(folder.parent).as_posix())
    return {name: paths for name, paths in seen.items() if len(paths) > 1}


def test_no_two_modules_share_a_name():
    """A module is named for its concept, and one name means one module: a reader who
    meets ``labels`` in a traceback or an import knows which file it is."""
    assert module_names_shared(ROOT / "curator", ROOT / "ui") == {}


def test_a_shared_module_name_is_found(tmp_path):
    for path in ("curator/store/labels.py", "curator/session/labels.py", "ui/labels.py", "curator/store/rows.py",
                 "curator/store/migrations/versions/0001_baseline.py", "curator/session/__init__.py",
                 "ui/__init__.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("", encoding="utf-8")
    assert module_names_shared(tmp_path / "curator", tmp_path / "ui") == {
        "labels.py": ["curator/session/labels.py", "curator/store/labels.py", "ui/labels.py"]}
