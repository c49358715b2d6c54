from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import run
from workbench import __version__
from workbench.cli import main


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"workbench {__version__}"


def test_validate_packaged_seeds(capsys) -> None:
    code, out, err = run(capsys, "cards", "validate")
    assert code == 0, out
    count = int(out.strip().splitlines()[-1].split()[0])
    assert count >= 60
    assert out.strip().endswith("card(s) valid")


def test_validate_reports_file_line_and_exits_1(capsys, tmp_path: Path) -> None:
    (tmp_path / "Q900.md").write_text("id: Q900\nquery: [broken\n---\nbody\n", encoding="utf-8")
    (tmp_path / "Q901.md").write_text("id: Q901\nquery: fine\n", encoding="utf-8")
    code, out, err = run(capsys, "cards", "validate", str(tmp_path))
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"{tmp_path / 'Q900.md'}:")
    assert "YAML syntax error" in lines[0]
    assert (
        lines[1]
        == f"{tmp_path / 'Q901.md'}:2: no '---' line separating the front matter from the body"
    )
    assert lines[-1] == "2 problem(s) in 2 file(s); 0 card(s) loaded"
    assert "Traceback" not in out + err


def test_validate_json(capsys, tmp_path: Path) -> None:
    (tmp_path / "Q900.md").write_text("id: Q900\n---\nbody\n", encoding="utf-8")
    code, out, _ = run(capsys, "cards", "validate", "--json", str(tmp_path))
    data = json.loads(out)
    assert code == 1
    assert data["cards"] == 0
    assert {p["message"] for p in data["problems"]} >= {"missing required field 'query'"}


def test_validate_missing_path_is_bad_input(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "cards", "validate", str(tmp_path / "missing"))
    assert code == 2
    assert err == f"workbench: {tmp_path / 'missing'}: no such file or folder\n"


def test_show_card_and_unknown_card(capsys) -> None:
    code, out, _ = run(capsys, "cards", "show", "Q012")
    assert code == 0
    assert out.startswith("Q012: What is an “information security management system”")
    assert "ISO27001:2022/4.1  Understanding the organization and its context" in out
    code, out, err = run(capsys, "cards", "show", "Q4242")
    assert (code, out, err) == (2, "", "workbench: no card with id Q4242\n")


def _workbench(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_screenshot_of_each_view(tmp_path: Path) -> None:
    workspace = tmp_path / "acme.grcw"
    for view in ("questions", "register", "documents", "planner"):
        png = tmp_path / f"{view}.png"
        result = _workbench(
            "-w", str(workspace), "--view", view, "--screenshot", str(png), cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        header = png.read_bytes()[:8]
        assert header == b"\x89PNG\r\n\x1a\n"
    assert workspace.exists()


def test_foreign_workspace_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bogus = tmp_path / "minutes.grcw"
    bogus.write_text("not a database")
    result = _workbench("-w", str(bogus), "--screenshot", str(tmp_path / "x.png"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "workbench: minutes.grcw is not a GRC Workbench workspace (not a SQLite file).\n"
    )
    assert not (tmp_path / "x.png").exists()


def test_unknown_card_for_gui_is_exit_2(tmp_path: Path) -> None:
    result = _workbench(
        "-w",
        str(tmp_path / "a.grcw"),
        "--card",
        "Q4242",
        "--screenshot",
        str(tmp_path / "x.png"),
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "workbench: no card with id Q4242"


def test_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    script = (
        f"{sys.executable} -m workbench cards search risk 2>{tmp_path / 'err'} | head -n 1; "
        'exit "${PIPESTATUS[0]}"'
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0
    assert (tmp_path / "err").read_text() == ""
    assert result.stdout.startswith("Q")


def test_any_service_error_is_one_line_and_exit_2(capsys, tmp_path: Path, monkeypatch) -> None:
    """The command line catches the error root once; no command lists error classes."""
    from workbench.services.common.errors import ServiceError
    from workbench.services.register import listing

    class Surprising(ServiceError):
        pass

    def fail(*_args: object, **_kwargs: object) -> None:
        raise Surprising("The register cannot be read.\nTry again.")

    monkeypatch.setattr(listing, "export_rows", fail)
    code, out, err = run(capsys, "-w", str(tmp_path / "w.grcw"), "register", "list")
    assert (code, out) == (2, "")
    assert err == "workbench: The register cannot be read. Try again\n"


def test_an_unexpected_error_is_one_line_exit_3_and_logged(capsys, tmp_path: Path, monkeypatch):
    from workbench.services.register import listing

    def fail(*_args: object, **_kwargs: object) -> None:
        raise KeyError("column")

    monkeypatch.setattr(listing, "export_rows", fail)
    code, _, err = run(capsys, "-w", str(tmp_path / "w.grcw"), "register", "list")
    assert code == 3
    assert err.startswith("workbench: unexpected error:") and "Traceback" not in err
    from workbench.services.common.paths import data_dir

    logged = (data_dir() / "workbench.log").read_text("utf-8")
    assert "Traceback" in logged and "KeyError: 'column'" in logged


def test_a_screenshot_never_waits_for_a_name(tmp_path: Path, monkeypatch) -> None:
    # No name anywhere: the window would ask at start, but a screenshot must not wait for it.
    monkeypatch.delenv("WORKBENCH_USER")
    png = tmp_path / "first-start.png"
    result = _workbench("-w", str(tmp_path / "a.grcw"), "--screenshot", str(png), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ours = [line for line in result.stderr.splitlines() if line.startswith("workbench:")]
    assert len(ours) == 1 and ours[0].startswith("workbench: acting as the login name '")
