"""Smoke test of the benchmark harness: every part runs on tiny sizes and lands in one table.

No timing is asserted (this box's speed is not the test's business); only that each part gives
rows with a measurement and a verdict, or an "n/a (reason)" when a component it needs is missing,
never an error.
"""

from __future__ import annotations

import pytest

from benchmarks import harness
from benchmarks.__main__ import main
from benchmarks.runner import PART_MODULES, run


def test_tiny_run_gives_one_complete_table() -> None:
    # One test for the whole run: under xdist a shared fixture would run once per worker.
    report = run(harness.TINY)
    assert {row.part for row in report.rows} == set(PART_MODULES)
    broken = [row for row in report.rows if row.verdict.startswith("n/a (error")]
    assert not broken, harness.render(broken)
    for row in report.rows:
        if not row.verdict.startswith("n/a"):
            assert row.value and row.verdict, row
    lines = harness.render(report.rows).splitlines()
    assert lines[0].startswith("| # | benchmark |")
    assert len(lines) == 2 + len(report.rows)


def test_verdicts() -> None:
    assert harness.verdict_at_most(1.2, 1.5) == "ok"
    assert harness.verdict_at_most(1.8, 1.5) == "MISS (+20%)"
    assert harness.verdict_at_least(0.95, 0.9) == "ok"
    assert harness.verdict_at_least(0.45, 0.9) == "MISS (-50%)"


def test_compare_interleaves_and_takes_medians() -> None:
    ticks = iter(range(1000))
    calls: list[str] = []
    sides = [harness.Side("a", lambda: calls.append("a")), harness.Side("b", lambda: calls.append("b"))]
    medians = harness.compare(sides, warmup=1, rounds=3, inner=2, clock=lambda: float(next(ticks)))
    assert "".join(calls) == "ab" + "aabb" + "bbaa" + "aabb"
    assert medians == [0.5, 0.5]


def test_a_missing_part_is_not_available_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import emu

    def missing(module: str, what: str | None = None) -> None:
        raise harness.NotAvailable(f"{what or module} not committed yet")

    monkeypatch.setattr(emu, "require", missing)
    report = run(harness.TINY, [4])
    assert [row.verdict for row in report.rows] == ["n/a (emulator/vod/models.py not committed yet)"]


def test_cli_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile", "tiny", "--only", "3"]) == 0
    out = capsys.readouterr().out
    assert "| # | benchmark |" in out
    assert "machine: Python" in out


def test_readme_block_is_replaced_between_markers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from benchmarks.__main__ import END, START, write_readme

    readme = tmp_path / "README.md"
    readme.write_text(f"# title\n\n{START}\nold table\n{END}\n\nanalysis by hand\n", encoding="utf-8")
    write_readme(readme, "| new | table |")
    assert readme.read_text(encoding="utf-8") == (
        f"# title\n\n{START}\n| new | table |\n{END}\n\nanalysis by hand\n"
    )
