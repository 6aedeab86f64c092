"""Zip files the peers export several files in (doccano's download, a zip of WebAnno TSV
files), read safely: only the members of the wanted kinds, each checked for its size
before it is unpacked, and the whole no larger than a file Curator reads."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from curator.errors import CuratorError
from curator.formats.annotated import decode
from curator.formats.boundary import MAX_INPUT_BYTES, check_input


def member_names(path: Path) -> list[str] | None:
    """The names of the files in a zip, or None if ``path`` is not a readable zip."""
    try:
        check_input(path)
        with zipfile.ZipFile(path) as archive:
            return [info.filename for info in archive.infolist() if not info.is_dir()]
    except (OSError, zipfile.BadZipFile, ValueError, NotImplementedError):  # (a zip "version 6.4", say)
        return None


def members(path: Path, suffixes: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """The text of each member whose name ends with one of ``suffixes``, in name order."""
    try:
        check_input(path)
        with zipfile.ZipFile(path) as archive:
            wanted = sorted((info for info in archive.infolist() if not info.is_dir()
                             and info.filename.lower().endswith(suffixes)), key=lambda info: info.filename)
            total = sum(info.file_size for info in wanted)
            if total > MAX_INPUT_BYTES:
                raise CuratorError(f"{path}: refused: its files would unpack to {total / 1e9:.1f} GB, more than "
                                   f"the {MAX_INPUT_BYTES / 1e9:.0f} GB limit")
            for info in wanted:
                try:
                    with archive.open(info) as member:
                        data = member.read(info.file_size + 1)
                except (NotImplementedError, RuntimeError) as exc:  # a compression method, a password
                    raise CuratorError(f"{path}: {info.filename}: cannot be unpacked ({exc})") from exc
                if len(data) > info.file_size:
                    raise CuratorError(f"{path}: {info.filename}: unpacks to more than the size it declares")
                try:
                    yield info.filename, decode(data)
                except UnicodeDecodeError as exc:
                    raise CuratorError(f"{path}: {info.filename}: not valid UTF-8 (byte {exc.start})") from exc
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, zlib.error, NotImplementedError) as exc:
        raise CuratorError(f"{path}: not a readable zip ({exc})") from exc
