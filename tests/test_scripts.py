"""The setup scripts, run in a copy of the checkout with stand-ins for pip and Debian's
package tools: no network, no root.

The stand-ins log what they are asked to do.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or shutil.which("bash") is None, reason="the scripts are bash, for Debian and Ubuntu"
)

# Stand-ins, each a bash script. $FAKE holds their log.
TOOLS = {
    "dpkg-query": 'printf "install ok installed"',
    "apt-get": 'echo "apt-get $*" >> "$FAKE/log"; exit 1',
    "sudo": '[ "$1" != -u ] || shift 2; exec "$@"',
    # The base Python: makes a fake virtual environment, and is the real one otherwise.
    "python": """
if [ "$1 $2" = "-m venv" ]; then
  echo "venv ${*:3}" >> "$FAKE/log"
  venv="${*: -1}"
  rm -rf "$venv" && mkdir -p "$venv/bin" && cp "$FAKE/venv-python" "$venv/bin/python"
  exit 0
fi
exec "$REAL_PYTHON" "$@"
""",
}

# The virtual environment's Python: logs pip, and is the real Python otherwise, with a pip
# that only needs to import.
VENV_PYTHON = """
if [ "$1 $2" = "-m pip" ]; then
  echo "pip ${*:3}" >> "$FAKE/log"
  exit "${FAKE_PIP_STATUS:-0}"
fi
PYTHONPATH="$FAKE/site" exec "$REAL_PYTHON" "$@"
"""


def write_script(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/usr/bin/env bash\n" + body, encoding="utf-8")
    path.chmod(0o755)


class Machine:
    """A copy of the checkout's scripts on a machine made of stand-ins."""

    def __init__(self, base: Path):
        self.checkout = base / "checkout"
        self.fake = base / "fake"
        for name in ("setup", "install_key.py"):
            (self.checkout / "scripts").mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / "scripts" / name, self.checkout / "scripts" / name)
        shutil.copy2(ROOT / "pyproject.toml", self.checkout / "pyproject.toml")
        for name, body in TOOLS.items():
            write_script(self.fake / "bin" / name, body)
        write_script(self.fake / "venv-python", VENV_PYTHON)
        (self.fake / "site" / "pip").mkdir(parents=True)
        (self.fake / "site" / "pip" / "__init__.py").touch()
        (self.fake / "log").touch()
        self.env = {
            **os.environ,
            "PATH": f"{self.fake / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "PYTHON": str(self.fake / "bin" / "python"),
            "REAL_PYTHON": sys.executable,
            "FAKE": str(self.fake),
        }
        self._log_seen = 0

    def run(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess:
        result = subprocess.run([str(self.checkout / "scripts" / args[0]), *args[1:]], env={**self.env, **env},
                                capture_output=True, text=True, timeout=60)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def new_log(self) -> list[str]:
        """What the stand-ins were asked to do since the last call."""
        lines = (self.fake / "log").read_text(encoding="utf-8").splitlines()
        new, self._log_seen = lines[self._log_seen:], len(lines)
        return new


@pytest.fixture
def machine(tmp_path) -> Machine:
    return Machine(tmp_path)


def pip_calls(log: list[str]) -> list[str]:
    return [line for line in log if line.startswith("pip ")]


# --- scripts/setup: pip only when what decides the install changed


def test_setup_installs_on_a_fresh_machine_then_only_when_the_install_changes(machine):
    machine.run("setup")
    log = machine.new_log()
    assert log[0] == "venv --clear .venv"
    assert pip_calls(log) == ["pip install --quiet --upgrade pip", "pip install --quiet -e .[test]"]
    assert not [line for line in log if line.startswith("apt-get")]

    machine.run("setup")
    assert machine.new_log() == []

    pyproject = machine.checkout / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"numpy==2.4.6"', '"numpy==2.4.7"'))
    machine.run("setup")
    log = machine.new_log()
    assert pip_calls(log) == ["pip install --quiet --upgrade pip", "pip install --quiet -e .[test]"]
    assert not [line for line in log if line.startswith("venv")]

    machine.run("setup")
    assert machine.new_log() == []


def test_setup_makes_a_broken_environment_again(machine):
    machine.run("setup")
    machine.new_log()
    # The system Python the environment was made from is gone.
    write_script(machine.checkout / ".venv" / "bin" / "python", "exit 127")
    machine.run("setup")
    log = machine.new_log()
    assert log[0] == "venv --clear .venv"
    assert len(pip_calls(log)) == 2


def test_setup_installs_again_after_a_failed_install(machine):
    assert machine.run("setup", check=False, FAKE_PIP_STATUS="1").returncode != 0
    machine.new_log()
    machine.run("setup")
    assert len(pip_calls(machine.new_log())) == 2
    machine.run("setup")
    assert machine.new_log() == []


def test_install_key_follows_pyproject_extras_and_python(machine, monkeypatch):
    spec = importlib.util.spec_from_file_location("install_key", machine.checkout / "scripts" / "install_key.py")
    install_key = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(install_key)
    key = install_key.install_key(machine.checkout, "test")
    assert key == install_key.install_key(machine.checkout, "test")
    assert key != install_key.install_key(machine.checkout, "gui")
    monkeypatch.setattr(sys, "version", "3.99.0 (elsewhere)")
    assert key != install_key.install_key(machine.checkout, "test")
    monkeypatch.undo()
    (machine.checkout / "pyproject.toml").write_text("[project]\n")
    assert key != install_key.install_key(machine.checkout, "test")
