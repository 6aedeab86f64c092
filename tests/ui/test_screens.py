"""Every window on a screen of 1280×720 and of 1920×1080, as the app opens it there (in a
process whose offscreen screen has that size): it fits the screen, and every button's
text fits the button. The same run renders the README's screenshots."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = {"screenshot", "review", "duplicates", "facts", "label-editor", "validation", "help"}


def test_every_window_fits_the_screen_and_no_button_text_is_cut(tmp_path):
    result = subprocess.run([sys.executable, "-m", "ui.screenshot", "--check", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    reports = json.loads(result.stdout)
    assert [report["screen"] for report in reports] == [[1280, 720], [1920, 1080]]
    for report in reports:
        width, height = report["screen"]
        assert set(report["windows"]) == WINDOWS
        for name, window in report["windows"].items():
            assert window["fits"] and window["clipped"] == [], (report["screen"], name, window)
            assert window["size"][0] <= width and window["size"][1] <= height
            assert (tmp_path / f"{name}-{width}x{height}.png").stat().st_size > 10_000
    main = {tuple(report["screen"]): report["windows"]["screenshot"]["size"] for report in reports}
    assert main[(1280, 720)] == [1280, 720]  # the window opened fitted to the small screen, whole
