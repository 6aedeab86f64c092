"""The user's own settings (their annotator name, whether they review, the choices
they made last in a file dialog), kept as a small JSON file in the user's config folder,
apart from any project: the same on every project they open."""

from __future__ import annotations

import getpass
import json
import os
import tempfile
from pathlib import Path

from curator.domain.names import check_annotator
from curator.errors import CuratorError


class Settings:
    """The user's own settings (annotator name), kept in the user's config folder."""

    def __init__(self, path: Path | None = None) -> None:
        from platformdirs import user_config_dir

        base = Path(os.environ.get("CURATOR_CONFIG", user_config_dir("curator", appauthor=False)))
        self.path = path or base / "settings.json"

    def _load(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            return {}

    @property
    def has_annotator(self) -> bool:
        """Whether the user has chosen a name (else it is the login's, until they do)."""
        return isinstance(self._load().get("annotator"), str)

    def recall(self, key: str) -> str | None:
        """A remembered choice (the last folder of a file dialog, a format), if any."""
        value = self._load().get("remembered", {})
        value = value.get(key) if isinstance(value, dict) else None
        return value if isinstance(value, str) else None

    def remember(self, key: str, value: str) -> None:
        remembered = self._load().get("remembered")
        remembered = remembered if isinstance(remembered, dict) else {}
        self._save("remembered", {**remembered, key: value})

    @property
    def annotator(self) -> str:
        name = self._load().get("annotator")
        if name is not None:
            return check_annotator(name, f"{self.path}: annotator")
        try:
            return getpass.getuser() or "annotator"
        except (KeyError, OSError):
            return "annotator"

    @annotator.setter
    def annotator(self, name: str) -> None:
        name = check_annotator(name)
        if is_gold(name):
            raise CuratorError(f"{name!r} is the reviewed layer's name ('gold'), not an annotator name")
        self._save("annotator", name)

    @property
    def reviewer(self) -> bool:
        """Whether the user works as a reviewer (sees every layer) rather than blind."""
        return bool(self._load().get("reviewer", False))

    @reviewer.setter
    def reviewer(self, value: bool) -> None:
        self._save("reviewer", bool(value))

    def _save(self, key: str, value: object) -> None:
        data = self._load()
        data[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A temporary file of this write's own: two programs saving at once (a window and
        # a command) must not write into, or move away, each other's half-written file.
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(json.dumps(data, indent=2))
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def is_gold(name: str) -> bool:
    """Whether a name is the reviewed layer's, in any case (``Gold`` would print as it).
    (Not the models' GOLD: this module loads no models.)"""
    return name.casefold() == "gold"
