"""The core must never need Qt: it is imported here with Qt made unimportable."""

import pkgutil
import re
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


# The launchers own the project's lifetime (they open it, hand it to the main window and
# close it) and the screenshot script seeds its sample: they may hold the store itself.
STORE_HOLDERS = {"ui/app.py", "ui/screenshot.py"}


def store_reaches(source: str) -> list[tuple[int, str]]:
    """Where ``source`` reaches the store past the session: an attribute named ``store``
    (``self.store``, ``window.session.store``) or an attribute of a name ``store``."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and (
                node.attr == "store" or (isinstance(node.value, ast.Name) and node.value.id == "store")):
            found.append((node.lineno, ast.unparse(node)))
    return sorted(found)


def test_windows_ask_the_session_never_the_store():
    """Windows, widgets and models talk to the session and its queries and commands
    (``Annotating``, ``Reviewing``, ``Deduplicating``, ``FactFinding``, ``LabelEdits``,
    ``Exports``...); none reads or writes through the store."""
    reaches = {f"{path.relative_to(ROOT).as_posix()}:{line}": text
               for path in sorted((ROOT / "ui").rglob("*.py"))
               if path.relative_to(ROOT).as_posix() not in STORE_HOLDERS
               for line, text in store_reaches(path.read_text(encoding="utf-8"))}
    assert reaches == {}


def test_a_window_reaching_the_store_is_found():
    source = ("class W:\n"
              "    def __init__(self, session, store):\n"
              "        self.store = session.store\n"
              "        self.spans = self.store.annotations_for(1)\n"
              "        self.session = Session(store, 'a')\n"
              "        store.close()\n")
    assert [line for line, _text in store_reaches(source)] == [3, 3, 4, 6]


# -- docs/architecture.md names only what exists ----------------------------------------------

ARCHITECTURE = ROOT / "docs" / "architecture.md"
_PATH = re.compile(r"(?:curator|ui|tests)(?:/[\w.-]+)*/?")
_DOTTED = re.compile(r"(?:curator|ui)(?:\.\w+)+")
_MEMBER = re.compile(r"([A-Z]\w*)\.(\w+)(?:\(\w*\))?")  # ``Session.do``, ``Session.do(command)``


def _class_names(node) -> set[str]:
    """What a class defines: methods, class attributes, and attributes its methods set on ``self``."""
    import ast

    names = set()
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(item.name)
        elif isinstance(item, (ast.Assign, ast.AnnAssign)):
            for target in item.targets if isinstance(item, ast.Assign) else [item.target]:
                names |= {name.id for name in ast.walk(target) if isinstance(name, ast.Name)}
    for inner in ast.walk(node):
        if (isinstance(inner, ast.Attribute) and isinstance(inner.ctx, ast.Store)
                and isinstance(inner.value, ast.Name) and inner.value.id == "self"):
            names.add(inner.attr)
    return names


def _top_level_names(path: Path) -> dict[str, set[str]]:
    """The names a module defines (functions, classes, assignments, imports, lazily
    imported names), each with the names its class defines."""
    import ast

    names: dict[str, set[str]] = {}

    def visit(body: list) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names[node.name] = set()
            elif isinstance(node, ast.ClassDef):
                names[node.name] = _class_names(node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.update({name.id: set() for name in ast.walk(target) if isinstance(name, ast.Name)})
                if isinstance(node.value, ast.Dict) and any(
                        isinstance(t, ast.Name) and t.id in ("_HOME", "_ALIASES") for t in targets):
                    names.update({key.value: set() for key in node.value.keys if isinstance(key, ast.Constant)})
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update({(alias.asname or alias.name).split(".")[0]: set() for alias in node.names})
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body + node.orelse + [n for h in getattr(node, "handlers", []) for n in h.body])

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return names


def _classes(root: Path) -> dict[str, list[tuple[set[str], list[str]]]]:
    """Every class of the core and the UI by name: what it defines, and its bases' names."""
    import ast

    found: dict[str, list[tuple[set[str], list[str]]]] = {}
    for folder in ("curator", "ui"):
        for path in (root / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef):
                    bases = [base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
                             for base in node.bases]
                    found.setdefault(node.name, []).append((_class_names(node), bases))
    return found


def _has_member(classes: dict, name: str, member: str, seen: frozenset = frozenset()) -> bool:
    return any(member in names or any(_has_member(classes, base, member, seen | {name})
                                      for base in bases if base not in seen)
               for names, bases in classes.get(name, []))


def _module_file(parts: list[str], root: Path) -> Path | None:
    for candidate in (root.joinpath(*parts).with_suffix(".py"), root.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def unresolved_names(text: str, root: Path = ROOT) -> list[str]:
    """Every name written in backticks in ``text`` that names nothing: a module path
    (``curator/session/exporting.py``, ``ui/windows/``) with no file or folder, a dotted
    name (``curator.session.exporting``, ``curator.session.exporting.export``,
    ``ui.edits.HistoryActions.update``) with no module or no such name in it, or a
    ``Class.member`` (``Session.do``) that no class of that name in the core or the UI
    defines or inherits."""
    missing = []
    classes = None
    for token in re.findall(r"`([^`\n]+)`", text):
        if _PATH.fullmatch(token):
            if not (root / token).exists():
                missing.append(token)
        elif _DOTTED.fullmatch(token):
            parts = token.split(".")
            for cut in range(len(parts), 0, -1):
                module = _module_file(parts[:cut], root)
                if module is not None:
                    break
            rest = parts[cut:]
            if module is None or len(rest) > 2:
                missing.append(token)
                continue
            names = _top_level_names(module)
            if rest and (rest[0] not in names or (len(rest) == 2 and rest[1] not in names[rest[0]])):
                missing.append(token)
        elif _MEMBER.fullmatch(token):
            classes = _classes(root) if classes is None else classes
            if not _has_member(classes, *_MEMBER.fullmatch(token).groups()):
                missing.append(token)
    return missing


def test_the_architecture_document_names_only_what_exists():
    """A module, function or method renamed or moved fails here with the name to fix in
    docs/architecture.md; the README points to the document."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert unresolved_names(text) == []
    assert len(set(re.findall(r"`((?:curator|ui)/[\w/.-]+\.py)`", text))) >= 60  # it names the rooms
    assert "docs/architecture.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_name_the_document_gets_wrong_is_found(tmp_path):
    files = {"curator/session/exporting.py": "def export():\n    pass\n",
             "ui/edits.py": ("class Base:\n    def update(self):\n        self.label = 1\n"
                             "class HistoryActions(Base):\n    changed = 1\n"),
             "curator/store/__init__.py": '_HOME = {"Store": "curator.store.store"}\n'}
    for path, source in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(source, encoding="utf-8")
    text = ("`curator/session/exporting.py` `curator/session/` `curator.session.exporting.export` "
            "`ui.edits.HistoryActions.changed` `curator.store.Store` `curator export -o x` `report.summary()` "
            "`HistoryActions.update` `HistoryActions.label` `Base.update(self)` "
            "`curator/session/exported.py` `curator.session.exporter` `curator.session.exporting.report` "
            "`ui.edits.HistoryActions.undo` `ui/window/` `curator.store.Store.open.now` `HistoryActions.undo` "
            "`Session.do`")
    assert unresolved_names(text, tmp_path) == [
        "curator/session/exported.py", "curator.session.exporter", "curator.session.exporting.report",
        "ui.edits.HistoryActions.undo", "ui/window/", "curator.store.Store.open.now", "HistoryActions.undo",
        "Session.do"]
