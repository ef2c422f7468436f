"""``main.py self-test``: passes on a working copy, fails (exit 1) when a step fails."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli import selftest as cli_selftest
from services.system import selftest

ROOT = Path(__file__).resolve().parent.parent


def test_self_test_command_passes_and_leaves_user_data_alone(data_dir):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "self-test"], capture_output=True, text=True,
                       encoding="utf-8", cwd=ROOT, env=env, timeout=180)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Tự kiểm tra: ĐẠT" in r.stdout
    for name, _ in selftest.STEPS:
        assert name in r.stdout
    assert "[LỖI]" not in r.stdout
    assert "In giấy khen (PDF)" in r.stdout and "trang PDF" in r.stdout
    # Everything happened in a temporary folder.
    assert not (data_dir / "tdkt.db").exists() and not (data_dir / "demo.db").exists()


def test_a_failing_step_fails_the_self_test(monkeypatch, capsys):
    def broken(run):
        raise RuntimeError("mẫu giấy khen hỏng")

    steps = [(n, broken if n == "In giấy khen (PDF)" else f) for n, f in selftest.STEPS]
    monkeypatch.setattr(selftest, "STEPS", steps)
    assert cli_selftest._cmd_self_test(None) == 1
    out = capsys.readouterr().out
    assert "[LỖI] In giấy khen (PDF)" in out and "mẫu giấy khen hỏng" in out and "CÓ LỖI" in out
    assert "Tạo văn bản" not in out  # later steps are not run on a broken installation
