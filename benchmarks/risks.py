"""The risk register at 10,000 risks: the Risks pane's first paint, a filter, the heat map.

The workspace holds 10,000 risks over 300 owners and 200 assets, rated on the 5x5 method (a
fifth unrated, half with residual ratings), each with two planned controls, a third with a
treatment action. Measured in a shown Risks pane (offscreen): the time from handing the pane the
workspace to the table having painted its first screen of rows (the quality checks fill in just
after and are timed on their own); applying a filter (table and heat map, repainted); and
refreshing the heat map alone. Filters and the heat map are warmed once and the median of three
runs kept.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from benchmarks.common import Result

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RISKS = 10_000
OWNERS = 300
ASSETS = 200
TARGET_MS = 150
SUBJECTS = ("Ransomware", "Phishing", "Supplier breach", "Lost laptop", "Cloud bucket")


def build(path: Path) -> None:
    from workbench.models import (
        ActionStatus,
        Asset,
        AssetType,
        Person,
        Risk,
        RiskAction,
        RiskAssetLink,
        RiskControl,
        RiskStatus,
        TreatmentOption,
    )
    from workbench.services.catalog.standards import default_catalog
    from workbench.services.risks.method import default_method
    from workbench.services.store.workspace import open_workspace

    rng = random.Random(27005)
    method = default_method()
    controls = [e.ref for e in default_catalog().entries_of("ISO27001:2022", kind="control")]
    now = datetime(2026, 12, 1, tzinfo=UTC)
    workspace = open_workspace(path)
    with workspace.write() as session:
        session.execute(
            insert(Person), [{"id": n, "name": f"Owner {n:03d}", "role": "", "email": "",
                              "created_at": now} for n in range(1, OWNERS + 1)],
        )  # fmt: skip
        session.execute(
            insert(Asset),
            [{"id": n, "name": f"Asset {n:03d}", "type": rng.choice(list(AssetType)),
              "owner": "", "description": "", "created_at": now, "updated_at": now}
             for n in range(1, ASSETS + 1)],
        )  # fmt: skip
        rows, links, planned, actions = [], [], [], []
        for n in range(1, RISKS + 1):
            rated = rng.random() > 0.2
            likelihood = rng.randint(1, 5) if rated else None
            impact = rng.randint(1, 5) if rated else None
            residual = rated and rng.random() > 0.5
            res_l = max(1, (likelihood or 1) - rng.randint(0, 2)) if residual else None
            res_i = max(1, (impact or 1) - rng.randint(0, 1)) if residual else None
            subject = rng.choice(SUBJECTS)
            rows.append({
                "id": n, "ref": f"R-{n:05d}", "title": f"{subject} scenario {n}",
                "threat": "A threat.", "vulnerability": "", "consequence": "",
                "owner_id": rng.randint(1, OWNERS), "existing_controls": "",
                "likelihood": likelihood, "impact": impact,
                "level": method.level_of(likelihood, impact),
                "treatment": rng.choice(list(TreatmentOption)) if rated else None,
                "residual_likelihood": res_l, "residual_impact": res_i,
                "residual_level": method.level_of(res_l, res_i),
                "status": rng.choice(list(RiskStatus)), "created_at": now, "updated_at": now,
            })  # fmt: skip
            links.append({"risk_id": n, "asset_id": rng.randint(1, ASSETS)})
            planned += [{"risk_id": n, "ref": ref} for ref in rng.sample(controls, 2)]
            if n % 3 == 0:
                actions.append({
                    "risk_id": n, "text": "Do something", "owner": "", "status": ActionStatus.OPEN,
                    "due": date(2026, 6, 1) + timedelta(days=rng.randint(0, 700)),
                    "created_at": now, "updated_at": now,
                })  # fmt: skip
        for table, values in ((Risk, rows), (RiskAssetLink, links), (RiskControl, planned),
                              (RiskAction, actions)):  # fmt: skip
            for start in range(0, len(values), 5_000):
                session.execute(insert(table), values[start : start + 5_000])
    workspace.close()


def run(scratch: Path) -> list[Result]:
    from PySide6.QtWidgets import QApplication

    from workbench.models import TreatmentOption
    from workbench.services.store.workspace import open_workspace
    from workbench.views.risks.view import RisksView

    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / "risks.grcw"
    build(path)
    workspace = open_workspace(path)
    app = QApplication.instance() or QApplication([])
    view = RisksView()
    view.resize(1280, 800)
    view.show()
    app.processEvents()

    began = time.perf_counter()
    view.set_workspace(workspace)
    view.table.viewport().repaint()
    first_paint = (time.perf_counter() - began) * 1000

    def timed(action: Callable[[], object]) -> float:
        start = time.perf_counter()
        action()
        view.table.viewport().repaint()
        view.heat_map.repaint()
        return (time.perf_counter() - start) * 1000

    checks_ms = timed(view.refresh_problems)

    def steady(action: Callable[[], object]) -> float:
        timed(action)  # warm the statement cache
        return statistics.median(timed(action) for _ in range(3))

    def narrowed() -> None:
        view.treatment_filter.setCurrentIndex(
            view.treatment_filter.findData(TreatmentOption.RETAIN.value)
        )

    def cleared() -> None:
        view.treatment_filter.setCurrentIndex(0)

    def by_control() -> None:
        view.control_filter.setText("A.8.13")
        view.apply_filter_widgets()

    filters = [steady(narrowed), steady(cleared), steady(by_control)]
    heat = steady(view.refresh_heat_map)
    view.close()
    workspace.close()
    return [
        Result("risks table first paint, 10,000 risks", first_paint, "ms", TARGET_MS),
        Result("risks filter, table and heat map (worst of 3)", max(filters), "ms", TARGET_MS),
        Result("risks heat map refresh", heat, "ms", TARGET_MS),
        Result("risks quality checks, after first paint", checks_ms, "ms"),
    ]
