from __future__ import annotations

from datetime import date

from workbench.models import ArtifactKind, ArtifactStatus
from workbench.services.documents import editing
from workbench.services.exports import register_export
from workbench.services.register import artifacts, coverage, listing
from workbench.services.register.listing import Column, RegisterFilter, RegisterScope


def populate(workspace) -> dict[str, int]:
    ids = {}
    for title, kind, refs, interval in (
        ("Scope statement", ArtifactKind.SCOPE, ["ISO27001:2022/4.3"], 12),
        ("Risk methodology", ArtifactKind.RISK_METHODOLOGY, ["ISO27001:2022/6.1.2"], 12),
        ("Access control policy", ArtifactKind.TOPIC_POLICY, ["ISO27001:2022/A.5.15"], 3),
        ("Old backup note", ArtifactKind.RECORD, ["ISO27001:2022/A.8.13"], 12),
    ):
        _, ids[title] = artifacts.create_artifact(
            workspace, actor="Mara", kind=kind, title=title, owner="Jonas", refs=refs,
            review_interval_months=interval, today=date(2026, 1, 10),
        )  # fmt: skip
    artifacts.retire(workspace, actor="Mara", artifact_id=ids["Old backup note"])
    editing.save_version(
        workspace, artifact_id=ids["Risk methodology"], content="# v2", author="Mara", comment="c"
    )
    return ids


def titles(workspace, register_filter: RegisterFilter, **kwargs) -> list[str]:
    rows = listing.export_rows(workspace, register_filter, **kwargs)
    return [row.title for row in rows]


def test_filters(workspace) -> None:
    populate(workspace)
    assert titles(workspace, RegisterFilter(text="POLICY")) == ["Access control policy"]
    assert titles(workspace, RegisterFilter(refs=("ISO27001:2022/6.1",))) == ["Risk methodology"]
    assert titles(workspace, RegisterFilter(kinds=(ArtifactKind.SCOPE,))) == ["Scope statement"]
    assert titles(workspace, RegisterFilter(statuses=(ArtifactStatus.RETIRED,))) == [
        "Old backup note"
    ]
    live = titles(workspace, RegisterFilter(scope=RegisterScope.ISMS_ARTIFACTS))
    assert "Old backup note" not in live and len(live) == 3
    overdue = RegisterFilter(review_overdue=True)
    assert titles(workspace, overdue) == ["Access control policy"]  # 3-month interval from Jan
    assert titles(workspace, RegisterFilter(text="6.1.2")) == ["Risk methodology"]


def test_sort_by_any_column(workspace) -> None:
    populate(workspace)
    by_title = titles(workspace, RegisterFilter(), sort=Column.TITLE)
    assert by_title == sorted(by_title, key=str.lower)
    by_version = listing.export_rows(
        workspace, RegisterFilter(), sort=Column.VERSION, descending=True
    )
    assert by_version[0].title == "Risk methodology" and by_version[0].version == 2
    for column in Column:
        assert len(listing.query_ids(workspace, RegisterFilter(), sort=column)) == 4


def test_coverage_counts_sub_clauses_and_ignores_retired(workspace) -> None:
    populate(workspace)
    rows = {row.ref: row for row in coverage.coverage(workspace)}
    assert [a.title for a in rows["ISO27001:2022/6.1"].artifacts] == ["Risk methodology"]
    assert rows["ISO27001:2022/6.1"].artifacts[0].via == "ISO27001:2022/6.1.2"
    assert rows["ISO27001:2022/A.5.15"].covered
    assert not rows["ISO27001:2022/A.8.13"].covered  # only a retired artifact links to it
    assert not rows["ISO27001:2022/7.5"].covered
    totals = coverage.summary(list(rows.values()))
    assert totals["control"] == (1, 93)
    assert totals["clause"][1] == 41


def test_exported_files_follow_the_umask(workspace, tmp_path) -> None:
    import os
    import stat

    previous = os.umask(0o022)
    try:
        register_export.export_register(
            workspace, tmp_path / "r.csv", register_filter=RegisterFilter(), fmt="csv"
        )
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "r.csv").stat().st_mode) == 0o644
