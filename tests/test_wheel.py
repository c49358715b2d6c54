"""The workbench works from an installed wheel, not only from the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_carries_resources_and_runs_from_elsewhere(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("grc_workbench-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "workbench/seeds/Q012.md",
        "workbench/resources/catalogs/iso27001-2022.yaml",
        "workbench/resources/risk-library/scenarios.yaml",
        "workbench/resources/guidance/iso27001-2022-annex-a.yaml",
        "workbench/migrations/env.py",
        "workbench/migrations/script.py.mako",
        "workbench/migrations/versions/0001_initial_schema.py",
    ):
        assert expected in names

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q",
         "--target", str(target), str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "QT_QPA_PLATFORM": "offscreen"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "workbench", *args],
            cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    where = subprocess.run(
        [sys.executable, "-c", "import workbench; print(workbench.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(target))
    guidance = subprocess.run(
        [sys.executable, "-c",
         "from workbench.services.catalog.guidance import load_guidance; "
         "print(len(load_guidance()))"],
        cwd=elsewhere, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert guidance.stdout.strip() == "93", guidance.stderr
    validated = run("cards", "validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert validated.stdout.strip().endswith("card(s) valid")
    shot = run("-w", str(elsewhere / "w.grcw"), "--screenshot", str(elsewhere / "w.png"))
    assert shot.returncode == 0, shot.stderr
    assert (elsewhere / "w.png").stat().st_size > 10_000
