"""Curator's exports through the real Label Studio and doccano and back, and their own
exports into Curator (``benchmarks/peer_round_trips.py``), where they are installed in
the benchmarks' cache (``python benchmarks/peers.py`` installs them). Skipped, with the
reason, where they are not: the test suite never installs them. Starting the two takes
about three minutes on two cores; ``CURATOR_SKIP_PEER_TOOLS=1`` skips them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import peer_round_trips
import peers


def _installed(name: str) -> None:
    if os.environ.get("CURATOR_SKIP_PEER_TOOLS"):
        pytest.skip("CURATOR_SKIP_PEER_TOOLS is set")
    _package, version, _pins = peers.PEERS[name]
    if not peers.installed_marker(name).exists():
        pytest.skip(f"{name} {version} is not installed in {peers.CACHE} (python benchmarks/peers.py installs it)")


@pytest.mark.parametrize(("name", "run"), [("Label Studio", peer_round_trips.label_studio),
                                           ("doccano", peer_round_trips.doccano)])
def test_the_real_peer_takes_curators_export_and_gives_its_files_back(tmp_path, name, run):
    _installed(name)
    store = peer_round_trips.source_project(tmp_path / "source")
    checks = peer_round_trips.Checks()
    try:
        (tmp_path / "peer").mkdir()
        run(tmp_path / "peer", store, checks)
    except peers.PeerUnavailable as exc:
        pytest.skip(f"{name} could not run here: {exc}")
    finally:
        store.close()
    assert len(checks.rows) >= 5
    assert checks.failed == []
