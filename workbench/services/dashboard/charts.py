"""The dashboard's charts as a list of shapes: laid out once here, drawn by the pane and the
PDF with QPainter and written as SVG for the audit pack, so all of them show the same thing.

Coordinates are in points from the top left; text is placed by its baseline. Label columns
have fixed widths, as SVG cannot measure text; labels longer than their column are shortened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.services.common.markup import escape
from workbench.services.dashboard import palette
from workbench.services.dashboard.figures import (
    APPROVAL_STATES,
    HeatMap,
    Readiness,
    ThemeProgress,
)

FONT = "Segoe UI, Helvetica, Arial, sans-serif"
WIDTH = 760
LABEL_WIDTH = 190
ROW = 24
BAR = 14
GAP = 18


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    tooltip: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float = 10
    colour: str = palette.TEXT
    bold: bool = False
    anchor: str = "start"  # "start", "middle" or "end"


@dataclass
class Chart:
    width: float
    height: float = 0
    shapes: list[Rect | Text] = field(default_factory=list)


def _clip(text: str, room: float, size: float) -> str:
    # About half an em per character in a proportional font: enough to stay in the column.
    fits = max(4, int(room / (size * 0.52)))
    return text if len(text) <= fits else text[: fits - 1].rstrip() + "…"


def _heading(chart: Chart, y: float, text: str) -> float:
    chart.shapes.append(Text(0, y + 14, text, size=12, bold=True))
    return y + 24


def _progress_row(chart: Chart, y: float, item: ThemeProgress, bar_width: float) -> None:
    label = f"{item.clause} {item.label}".strip() if item.clause != "A" else item.label
    chart.shapes.append(
        Text(0, y + BAR - 3, _clip(label, LABEL_WIDTH - 8, 10), bold=item.key == "annex_a")
    )
    x: float = LABEL_WIDTH
    chart.shapes.append(Rect(x, y, bar_width, BAR, palette.REMAINING))
    for name, colour in palette.PROGRESS_PARTS:
        count = getattr(item, name)
        if item.applicable and count:
            width = bar_width * count / item.applicable
            chart.shapes.append(Rect(x, y, width, BAR, colour, f"{count} {name}"))
            x += width
    percent = "—" if item.percent is None else f"{item.percent}%"
    detail = f"{percent}  ({item.implemented} of {item.applicable} applicable)"
    chart.shapes.append(Text(LABEL_WIDTH + bar_width + 8, y + BAR - 3, detail))


def _legend(chart: Chart, y: float, parts: list[tuple[str, str]]) -> float:
    steps = [30 + len(label) * 5.8 for label, _ in parts]
    # Under the bars when it fits there, else from the left edge.
    x: float = LABEL_WIDTH if LABEL_WIDTH + sum(steps) <= chart.width else 0
    for (label, colour), step in zip(parts, steps, strict=True):
        chart.shapes.append(Rect(x, y, 10, 10, colour))
        chart.shapes.append(Text(x + 14, y + 9, label, size=9, colour=palette.MUTED))
        x += step
    return y + 18


def _controls(chart: Chart, y: float, readiness: Readiness) -> float:
    y = _heading(chart, y, "Applicable controls implemented")
    bar_width = chart.width - LABEL_WIDTH - 190
    for item in (readiness.overall, *readiness.themes, *readiness.other_controls):
        _progress_row(chart, y, item, bar_width)
        y += ROW
    parts = [("implemented", palette.IMPLEMENTED), ("partially", palette.PARTIAL),
             ("planned", palette.PLANNED), ("not started", palette.REMAINING)]  # fmt: skip
    return _legend(chart, y, parts)


def _clauses(chart: Chart, y: float, readiness: Readiness) -> float:
    y = _heading(chart, y, "Documents per clause, by approval state")
    # A single document should not fill the bar: the scale starts at a handful.
    most = max([4, *(len(clause.documents) for clause in readiness.clauses)])
    bar_width = chart.width - LABEL_WIDTH - 190
    for clause in readiness.clauses:
        label = f"{clause.clause} {clause.title}"
        chart.shapes.append(Text(0, y + BAR - 3, _clip(label, LABEL_WIDTH - 8, 10)))
        x: float = LABEL_WIDTH
        if not clause.documents:
            chart.shapes.append(Rect(x, y, 3, BAR, palette.WARNING, "no document"))
        for state in APPROVAL_STATES:
            count = clause.count(state)
            if count:
                width = bar_width * count / most
                chart.shapes.append(Rect(x, y, width, BAR, palette.STATE_COLOURS[state],
                                         f"{count} {state}"))  # fmt: skip
                x += width
        approved = clause.count("approved")
        detail = (
            f"{approved} of {len(clause.documents)} approved" if clause.documents else "no document"
        )
        chart.shapes.append(
            Text(LABEL_WIDTH + bar_width + 8, y + BAR - 3, detail,
                 colour=palette.WARNING if not clause.documents else palette.TEXT)
        )  # fmt: skip
        y += ROW
    return _legend(chart, y, [(state, palette.STATE_COLOURS[state]) for state in APPROVAL_STATES])


def _attention(chart: Chart, y: float, readiness: Readiness) -> float:
    y = _heading(chart, y, "Needs attention")
    for item in readiness.attention:
        colour = palette.WARNING if item.count else palette.OK
        chart.shapes.append(
            Text(36, y + 11, str(item.count), bold=True, colour=colour, anchor="end")
        )
        chart.shapes.append(Text(46, y + 11, item.label))
        y += 18
    return y


def _heat_map(chart: Chart, x: float, y: float, heat_map: HeatMap, size: float) -> float:
    chart.shapes.append(Text(x, y + 12, heat_map.title, bold=True))
    y += 20
    for row, likelihood in enumerate(heat_map.likelihoods):
        chart.shapes.append(Text(x + 70, y + row * size + size / 2 + 4, _clip(likelihood, 66, 9),
                                 size=9, anchor="end"))  # fmt: skip
        for column, impact in enumerate(heat_map.impacts):
            left, top = x + 76 + column * size, y + row * size
            count = heat_map.counts[row][column]
            tooltip = f"likelihood {likelihood}, impact {impact}: {count} risk(s)"
            colour = heat_map.colours[row][column]
            chart.shapes.append(Rect(left, top, size - 2, size - 2, colour, tooltip))
            if count:
                chart.shapes.append(Text(left + size / 2 - 1, top + size / 2 + 3, str(count),
                                         bold=True, anchor="middle"))  # fmt: skip
    bottom = y + len(heat_map.likelihoods) * size
    # A column is too narrow for a label such as "4 Major": its rating, and the axis named once.
    for column, impact in enumerate(heat_map.impacts):
        chart.shapes.append(Text(x + 76 + column * size + size / 2, bottom + 12,
                                 impact.split(" ", 1)[0], size=8, anchor="middle"))  # fmt: skip
    middle = x + 76 + len(heat_map.impacts) * size / 2
    chart.shapes.append(Text(middle, bottom + 24, "Impact", size=8, anchor="middle"))
    return bottom + 32


def _heat_maps(chart: Chart, y: float, readiness: Readiness) -> float:
    y = _heading(chart, y, "Risks before and after treatment")
    size = 30.0
    bottom = y
    for index, heat_map in enumerate(readiness.heat_maps):
        x = index % 2 * (chart.width / 2)
        top = y + index // 2 * (size * (len(heat_map.likelihoods) + 2) + 20)
        bottom = max(bottom, _heat_map(chart, x, top, heat_map, size))
    return bottom


def layout(readiness: Readiness, *, width: float = WIDTH, attention: bool = True) -> Chart:
    """The charts stacked from the top: controls, clauses, heat maps (when the workspace has
    risks) and, with ``attention``, the counts that need doing."""
    chart = Chart(width=width)
    y = _controls(chart, 0, readiness) + GAP
    y = _clauses(chart, y, readiness) + GAP
    if readiness.heat_maps:
        y = _heat_maps(chart, y, readiness) + GAP
    if attention:
        y = _attention(chart, y, readiness) + GAP
    chart.height = y
    return chart


def to_svg(chart: Chart, *, title: str = "") -> str:
    """The chart as a standalone SVG document (also valid inline in an HTML page)."""
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{chart.width:.0f}' "
        f"height='{chart.height:.0f}' viewBox='0 0 {chart.width:.0f} {chart.height:.0f}' "
        f"font-family='{FONT}' role='img'>"
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            tip = f"<title>{escape(shape.tooltip)}</title>" if shape.tooltip else ""
            parts.append(
                f"<rect x='{shape.x:.1f}' y='{shape.y:.1f}' width='{shape.width:.1f}' "
                f"height='{shape.height:.1f}' fill='{shape.fill}'>{tip}</rect>"
            )
        else:
            weight = " font-weight='bold'" if shape.bold else ""
            parts.append(
                f"<text x='{shape.x:.1f}' y='{shape.y:.1f}' font-size='{shape.size:g}' "
                f"fill='{shape.colour}' text-anchor='{shape.anchor}'{weight}>"
                f"{escape(shape.text)}</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts)
