"""Renders the README screenshots, every window on the sample project, on a screen of
1280×720 and of 1920×1080, and checks them: each window fits its screen and no button's
text is cut.

``QT_QPA_PLATFORM=offscreen python -m ui.screenshot docs`` writes, for each screen size,
``screenshot-WxH.png`` (the annotation window), ``review-WxH.png``, ``duplicates-WxH.png``
(its Facts tab), ``label-editor-WxH.png`` (deleting a label in use), ``validation-WxH.png``
and ``help-WxH.png``. Each size runs in a process of its own whose offscreen screen has
that size, so the windows open as the app opens them there: fitted to the screen. With
``--check``, it prints what it found (JSON) and exits 1 if a window is cut or too large.
Tags go through the same window actions a curator uses (select, then label).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = ((1280, 720), (1920, 1080))
TAGS = [("China", "LOCATION"), ("Kazakhstan", "LOCATION"), ("Alikhan Smailov", "PERSON"), ("Li Qiang", "PERSON"),
        ("Shanghai", "LOCATION")]


def clipped_buttons(window) -> list[str]:
    """The visible buttons of ``window`` (and its children) whose text does not fit them."""
    from PySide6.QtWidgets import QPushButton, QToolButton

    found = []
    for button in [*window.findChildren(QPushButton), *window.findChildren(QToolButton)]:
        text = button.text().replace("&", "")
        if button.isVisible() and text:
            needed = button.fontMetrics().horizontalAdvance(text)
            if needed > button.width():
                found.append(f"{type(window).__name__}: {text!r} needs {needed} px, has {button.width()}")
    return found


def _settle() -> None:
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QThreadPool.globalInstance().waitForDone()
        QApplication.processEvents()


def _annotate(window) -> None:
    """A new annotator's first minutes: a few entities tagged, figures and dates accepted,
    a figure linked to who announced it."""
    from curator.domain.models import Relation
    from curator.session.relation_commands import AddRelation

    text = window.document.text
    for fragment, label in TAGS:
        start = text.index(fragment)
        window.article.set_selection(start, start + len(fragment))
        window.apply_label(label)
    window.suggest_for_document()
    for _ in range(6):
        window.accept_suggestion()  # the first figures and dates, as a curator would
    window.select_row(1)
    window.toggle_done()
    window.select_row(0)
    window.go_to_suggestion(1)
    window.panel.tabs.setCurrentIndex(0)
    money = next(span for span in window.spans.spans if span.label == "MONEY")
    # Who announced the figure: a relation from it to the minister, drawn as an arc.
    minister = next(span for span in window.spans.spans if text[span.start:span.end] == "Alikhan Smailov")
    window.apply(AddRelation(Relation(doc_id=window.document.id, source_id=money.id, target_id=minister.id,
                                      label="attributed_to", annotator=window.annotator)))
    window.panel.select_span(money.id)


def shoot(folder: Path, size: tuple[int, int]) -> dict:
    """Every window on a fresh sample project, on this process's screen; what each looks like."""
    from PySide6.QtWidgets import QApplication

    from curator.domain.schema import CategorySet
    from curator.session.label_edits import set_category
    from curator.session.project import create_sample_project
    from curator.store.user_settings import Settings
    from ui.app import create_app
    from ui.windows.main_window import MainWindow

    create_app()
    found: dict = {"screen": list(size), "windows": {}}
    suffix = f"{size[0]}x{size[1]}"
    with tempfile.TemporaryDirectory() as work:
        store, _ = create_sample_project(Path(work) / "sample")
        settings = Settings(Path(work) / "settings.json")
        settings.annotator, settings.reviewer = "newcomer", True
        main = MainWindow(store, settings)
        main.show()
        _annotate(main)
        main.session.do(set_category(store, CategorySet(
            name="topic", description="What the article is mainly about",
            choices=[{"name": "economy", "key": "E"}, {"name": "politics", "key": "P"}, {"name": "other"}])))
        review = main.open_review()
        _settle()
        review.go(2)
        duplicates = main.open_duplicates()
        _settle()
        duplicates.tabs.setCurrentIndex(1)  # the entity variants (the sample has no near-duplicate articles)
        facts = main.open_facts()
        _settle()
        facts.proposal_table.selectRow(0)
        # Two things for validation to report: a figure left without its value, and a span
        # relabelled outside Curator while linked to an entity of its old type.
        from curator.domain.models import Annotation

        text = store.get_document(2).text
        figure = text.index("$20.3 billion")
        store.add_annotation(Annotation(doc_id=2, start=figure, end=figure + len("$20.3 billion"), label="QUANTITY",
                                        annotator="daniyar"))
        linked = next(a for a in store.annotations_for(3, "aigerim") if a.entity_id and a.label == "LOCATION")
        store.edit_annotation(linked.id, None, label="ORG")
        editor = main.open_label_editor()
        editor.select_label("INITIATIVE")
        editor.request_delete()
        validation = main.validate_project()
        _settle()
        help_sheet = main.show_help()
        shots = {"screenshot": main, "review": review, "duplicates": duplicates, "facts": facts, "label-editor": editor,
                 "validation": main.companions.validation_dialog, "help": help_sheet}
        available = QApplication.primaryScreen().availableGeometry()
        for name, window in shots.items():
            window.show()
            window.raise_()
            _settle()
            window.grab().save(str(folder / f"{name}-{suffix}.png"))
            frame = window.frameGeometry()
            found["windows"][name] = {"size": [frame.width(), frame.height()],
                                      "fits": available.contains(frame) or (frame.width() <= available.width()
                                                                            and frame.height() <= available.height()),
                                      "clipped": clipped_buttons(window)}
        del validation
        for window in (help_sheet, editor, facts, duplicates, review, main):
            window.close()
        store.close()
    return found


def _screen_file(size: tuple[int, int], folder: Path) -> Path:
    path = folder / f"screen-{size[0]}x{size[1]}.json"
    path.write_text(json.dumps({"screens": [{"name": "virtual", "x": 0, "y": 0, "width": size[0], "height": size[1],
                                             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    return path


def run_on_screen(folder: Path, size: tuple[int, int]) -> dict:
    """``shoot`` in a process of its own whose offscreen screen has ``size``."""
    with tempfile.TemporaryDirectory() as work:
        env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={_screen_file(size, Path(work))}"}
        result = subprocess.run([sys.executable, "-m", "ui.screenshot", "--one", f"{size[0]}x{size[1]}", str(folder)],
                                env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"screenshots at {size[0]}x{size[1]} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [arg for arg in argv if arg != "--check"]
    if args and args[0] == "--one":  # in the process of one screen size
        width, height = (int(part) for part in args[1].split("x"))
        print(json.dumps(shoot(Path(args[2]), (width, height))))
        return 0
    folder = Path(args[0] if args else "docs")
    folder.mkdir(parents=True, exist_ok=True)
    found = [run_on_screen(folder, size) for size in SIZES]
    if check:
        print(json.dumps(found, indent=1))
    bad = [f"{report['screen']} {name}: {window}" for report in found for name, window in report["windows"].items()
           if window["clipped"] or not window["fits"]]
    for line in bad:
        print(line, file=sys.stderr)
    return 1 if bad and check else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
