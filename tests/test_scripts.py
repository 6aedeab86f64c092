"""The setup, test and PostgreSQL scripts, run in a copy of the checkout with stand-ins for
pip, Debian's package tools and PostgreSQL's client tools: no network, no root, no server.

The stand-ins log what they are asked to do; a small fake server keeps its databases as
lines of a file, so a test sees which databases a run made and whether it dropped them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or shutil.which("bash") is None, reason="the scripts are bash, for Debian and Ubuntu"
)

TEST_DATABASE = re.compile(r"curator_test_(\d+)_[0-9a-f]+")

# Stand-ins, each a bash script. $FAKE holds the log and the fake server's state.
TOOLS = {
    # Every package installed but those named in $FAKE_MISSING, which dpkg never heard of.
    "dpkg-query": """
format="${2#-f=}"
status=0
for package in "${@:3}"; do
  if [[ " $FAKE_MISSING " == *" $package "* ]]; then
    echo "dpkg-query: no packages found matching $package" >&2
    status=1
  else
    line="${format//'${Package}'/$package}"
    printf "${line//'${Status}'/install ok installed}"
  fi
done
exit $status
""",
    "apt-get": 'echo "apt-get $*" >> "$FAKE/log"',
    "sudo": '[ "$1" != -u ] || shift 2; exec "$@"',
    "su": 'shift; exec sh "$@"',  # su postgres -c COMMAND
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
    "pg_lsclusters": 'echo "15 main 5432 ${FAKE_PG_STATUS:-online} postgres /db /log"',
    "pg_ctlcluster": 'echo "pg_ctlcluster $*" >> "$FAKE/log"',
    "psql": """
echo "psql $*" >> "$FAKE/log"
case "$*" in
  *pg_database*) cat "$FAKE/databases" ;;
  *pg_roles*) [ ! -e "$FAKE/role" ] || echo 1 ;;
  *"CREATE ROLE"*) touch "$FAKE/role" ;;
esac
""",
    "createdb": """
name="${*: -1}"
if grep -qx "$name" "$FAKE/databases"; then echo "database $name exists" >&2; exit 1; fi
echo "$name" >> "$FAKE/databases"
""",
    "dropdb": """
echo "dropdb $*" >> "$FAKE/log"
name="${*: -1}"
grep -vx "$name" "$FAKE/databases" > "$FAKE/databases.new" || true
mv "$FAKE/databases.new" "$FAKE/databases"
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

# scripts/test's pytest: notes the database it was given and what the server held, then
# passes, fails, or waits to be interrupted.
FAKE_PYTEST = """
echo "$CURATOR_TEST_POSTGRES" > "$FAKE/url"
cp "$FAKE/databases" "$FAKE/databases-during-run"
case "$FAKE_PYTEST" in
  pass) exit 0 ;;
  fail) exit 1 ;;
  wait) touch "$FAKE/started"; sleep 30 ;;
esac
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
        for name in ("setup", "install_key.py", "test", "postgres"):
            (self.checkout / "scripts").mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / "scripts" / name, self.checkout / "scripts" / name)
        shutil.copy2(ROOT / "pyproject.toml", self.checkout / "pyproject.toml")
        for name, body in TOOLS.items():
            write_script(self.fake / "bin" / name, body)
        write_script(self.fake / "venv-python", VENV_PYTHON)
        (self.fake / "site" / "pip").mkdir(parents=True)
        (self.fake / "site" / "pip" / "__init__.py").touch()
        (self.fake / "databases").touch()
        (self.fake / "log").touch()
        self.env = {
            **os.environ,
            "PATH": f"{self.fake / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "PYTHON": str(self.fake / "bin" / "python"),
            "REAL_PYTHON": sys.executable,
            "FAKE": str(self.fake),
        }
        self.env.pop("CURATOR_TEST_POSTGRES", None)
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

    def databases(self) -> list[str]:
        return (self.fake / "databases").read_text(encoding="utf-8").split()


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


def test_setup_installs_the_missing_system_libraries_only(machine):
    machine.run("setup", FAKE_MISSING="libxcb-cursor0 libegl1")
    apt = [line for line in machine.new_log() if line.startswith("apt-get")]
    assert apt[0] == "apt-get update -qq"
    assert apt[1].startswith("apt-get install ")
    assert apt[1].split()[-2:] == ["libegl1", "libxcb-cursor0"]

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


# --- scripts/postgres: a database per run


def test_each_run_gets_a_database_of_its_own(machine):
    first = machine.run("postgres", "create", str(os.getpid())).stdout.strip()
    second = machine.run("postgres", "create", str(os.getpid())).stdout.strip()
    names = [url.rsplit("/", 1)[1] for url in (first, second)]
    assert first.startswith("postgresql+psycopg://curator:curator@127.0.0.1:5432/")
    assert names[0] != names[1]
    assert all(TEST_DATABASE.fullmatch(name)[1] == str(os.getpid()) for name in names)
    assert machine.databases() == names

    machine.run("postgres", "drop", first)
    assert machine.databases() == [names[1]]
    machine.run("postgres", "drop", second)
    assert machine.databases() == []


def test_create_drops_only_the_databases_of_runs_that_are_gone(machine):
    gone = "curator_test_99999999_0badc0de"  # above any pid_max
    running = f"curator_test_{os.getpid()}_c0ffee00"
    (machine.fake / "databases").write_text(f"{gone}\n{running}\ncurator_test\ncurator\n")
    url = machine.run("postgres", "create", str(os.getpid())).stdout.strip()
    assert machine.databases() == [running, "curator_test", "curator", url.rsplit("/", 1)[1]]


def test_drop_refuses_a_database_it_did_not_make(machine):
    (machine.fake / "databases").write_text("curator\n")
    result = machine.run("postgres", "drop", "postgresql+psycopg://curator:curator@127.0.0.1:5432/curator",
                         check=False)
    assert result.returncode == 2
    assert machine.databases() == ["curator"]


def test_create_starts_a_server_that_is_down(machine):
    machine.run("postgres", "create", str(os.getpid()), FAKE_PG_STATUS="down")
    assert "pg_ctlcluster 15 main start" in machine.new_log()


# --- scripts/test: the run's database is dropped however the run ends


@pytest.fixture
def run_machine(machine) -> Machine:
    write_script(machine.checkout / "scripts" / "setup", "exit 0")
    write_script(machine.checkout / ".venv" / "bin" / "lint-imports", "exit 0")
    write_script(machine.checkout / ".venv" / "bin" / "python", FAKE_PYTEST)
    return machine


@pytest.mark.parametrize("outcome, status", [("pass", 0), ("fail", 1)])
def test_the_run_drops_its_database_when_the_tests_end(run_machine, outcome, status):
    result = run_machine.run("test", check=False, FAKE_PYTEST=outcome)
    assert result.returncode == status, result.stderr
    url = (run_machine.fake / "url").read_text().strip()
    name = url.rsplit("/", 1)[1]
    assert TEST_DATABASE.fullmatch(name)
    assert (run_machine.fake / "databases-during-run").read_text().split() == [name]
    assert run_machine.databases() == []


def test_the_run_drops_its_database_when_interrupted(run_machine):
    def as_from_a_terminal():
        # Its own process group, as a terminal's Ctrl+C reaches, and SIGINT not ignored
        # even when these tests run in the background.
        os.setpgrp()
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    run = subprocess.Popen([str(run_machine.checkout / "scripts" / "test")],
                           env={**run_machine.env, "FAKE_PYTEST": "wait"}, preexec_fn=as_from_a_terminal,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (run_machine.fake / "started").exists():
            assert run.poll() is None and time.monotonic() < deadline, "the tests never started"
            time.sleep(0.02)
        assert len(run_machine.databases()) == 1
        os.killpg(run.pid, signal.SIGINT)
        run.communicate(timeout=20)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == 130
    assert run_machine.databases() == []
