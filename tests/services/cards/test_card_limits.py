"""Card files are bounded: no YAML anchors or aliases, at most a megabyte; a crafted card in a
user pack is reported as FILE:LINE and never stops the app from starting."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers.cli import run
from workbench.services.cards.library import load_library
from workbench.services.cards.loader import MAX_CARD_BYTES, load_cards

# Nine levels of nine aliases: a few hundred bytes that construct to 9**9 strings.
ALIAS_BOMB = """id: Q900
query: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
packs: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
flags: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
notes: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
x1: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
x2: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
x3: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
x4: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
x5: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
---
Body.
"""
SECONDS = 10.0


def _pack(tmp_path: Path) -> Path:
    folder = tmp_path / "my-pack"
    folder.mkdir()
    (folder / "Q900-bomb.md").write_text(ALIAS_BOMB, encoding="utf-8")
    (folder / "Q901-alias.md").write_text(
        "id: Q901\nquery: Which?\npacks: [ISO27001:2022]\nprimary_ids: *somewhere\n---\nBody\n",
        encoding="utf-8",
    )
    big = folder / "Q902-big.md"
    with big.open("w", encoding="utf-8") as out:
        out.write("id: Q902\nquery: Big\npacks: [ISO27001:2022]\n")
        out.write("primary_ids: [ISO27001:2022/6.1]\n---\n")
        out.write(("lorem ipsum " * 100 + "\n") * (MAX_CARD_BYTES // 1200 + 10))
    return folder


def test_anchors_aliases_and_size_are_refused_by_file_and_line(tmp_path: Path) -> None:
    folder = _pack(tmp_path)
    started = time.perf_counter()
    cards = load_cards([folder])
    assert time.perf_counter() - started < SECONDS
    size = (folder / "Q902-big.md").stat().st_size
    assert [str(problem) for problem in cards.problems] == [
        f"{folder / 'Q900-bomb.md'}:2: YAML anchors (&a) are not allowed in a card",
        f"{folder / 'Q901-alias.md'}:4: YAML aliases (*somewhere) are not allowed in a card",
        f"{folder / 'Q902-big.md'}:1: the card file is {size:,} bytes; a card may be at most "
        f"{MAX_CARD_BYTES:,} bytes",
    ]
    assert cards.cards == {}


def test_a_bad_pack_still_loads_every_other_card(tmp_path: Path, capsys) -> None:
    folder = _pack(tmp_path)
    started = time.perf_counter()
    library = load_library([folder])
    assert time.perf_counter() - started < SECONDS
    assert "Q012" in library.cards.cards and len(library.cards.cards) >= 100
    assert {problem.path.name for problem in library.problems} >= {"Q900-bomb.md"}

    started = time.perf_counter()
    code, out, _ = run(capsys, "cards", "validate", str(folder))
    assert time.perf_counter() - started < SECONDS
    assert code == 1
    assert f"{folder / 'Q900-bomb.md'}:2: YAML anchors (&a) are not allowed in a card" in out
    assert out.splitlines()[-1] == "3 problem(s) in 3 file(s); 0 card(s) loaded"


def test_the_app_starts_with_the_bomb_in_a_user_pack(tmp_path: Path) -> None:
    from workbench.views.common.settings import AppSettings

    folder = _pack(tmp_path)
    settings = AppSettings()
    settings.card_packs = [folder]
    settings.sync()
    screenshot = tmp_path / "window.png"
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "-w", str(tmp_path / "w.grcw"), "--screenshot",
         str(screenshot)],
        capture_output=True, text=True, timeout=120, env={**os.environ},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert screenshot.stat().st_size > 0
    assert time.perf_counter() - started < 60  # a hang would end at the timeout instead
