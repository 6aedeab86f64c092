"""Prints the key of an install of Curator into the virtual environment running this script.

The key is a hash of what decides what pip installs: pyproject.toml, the extras asked for
(the one argument, e.g. ``test``), this Python's version, and the checkout an editable
install points at. ``scripts/setup`` keeps the key of its last install in the environment
and runs pip only when the key has changed.
"""

import hashlib
import sys
from pathlib import Path


def install_key(checkout: Path, extras: str) -> str:
    digest = hashlib.sha256()
    for part in ((checkout / "pyproject.toml").read_bytes(), extras.encode(), sys.version.encode(),
                 str(checkout).encode()):
        # Each part with its length, so that no two different sets of parts hash alike.
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: install_key.py EXTRAS")
    print(install_key(Path(__file__).resolve().parent.parent, sys.argv[1]))
