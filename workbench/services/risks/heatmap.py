"""The heat map as an SVG image, for pages outside the app (the audit pack's index).

Two grids side by side, inherent and residual (a risk with no residual rating counted at its
inherent one): likelihood upwards, impact to the right, each cell in its level's colour with
the number of risks in it. Plain SVG text, no script, every
label escaped, so any browser shows it and nothing in it runs.
"""

from __future__ import annotations

from html import escape

from workbench.services.common.sheets import ink
from workbench.services.risks.listing import HeatMap, View

CELL = 46
GAP = 60
LEFT = 112
TOP = 44
BOTTOM = 70
FONT = "font-family='Helvetica, Arial, sans-serif'"


def _grid(heat: HeatMap, x0: int) -> list[str]:
    method = heat.method
    rows, columns = len(method.likelihood), len(method.impact)
    title = "Inherent risk" if heat.view is View.INHERENT else "Residual risk"
    parts = [
        f"<text x='{x0 + columns * CELL / 2}' y='{TOP - 18}' text-anchor='middle' "
        f"font-size='15' font-weight='bold' {FONT}>{title} ({heat.total})</text>"
    ]
    for likelihood in range(rows, 0, -1):
        y = TOP + (rows - likelihood) * CELL
        parts.append(
            f"<text x='{x0 - 8}' y='{y + CELL / 2 + 4}' text-anchor='end' font-size='11' "
            f"{FONT}>{likelihood} {escape(method.likelihood[likelihood - 1].label)}</text>"
        )
        for impact in range(1, columns + 1):
            x = x0 + (impact - 1) * CELL
            level = method.level_of(likelihood, impact)
            colour = method.level_colour(level) or "#dddddd"
            count = heat.count(likelihood, impact)
            name = escape(method.level_name(level))
            parts.append(
                f"<rect x='{x}' y='{y}' width='{CELL - 2}' height='{CELL - 2}' fill='{colour}' "
                f"fill-opacity='{1 if count else 0.35}'><title>likelihood {likelihood}, impact "
                f"{impact}: {name}, {count} risk(s)</title></rect>"
            )
            if count:
                parts.append(
                    f"<text x='{x + CELL / 2 - 1}' y='{y + CELL / 2 + 5}' text-anchor='middle' "
                    f"font-size='15' font-weight='bold' fill='#{ink(colour)}' {FONT}>{count}"
                    "</text>"
                )
    base = TOP + rows * CELL
    for impact in range(1, columns + 1):
        middle = x0 + (impact - 1) * CELL + CELL / 2
        parts.append(
            f"<text x='{middle}' y='{base + 14}' text-anchor='middle' font-size='11' {FONT}>"
            f"{impact}</text>"
        )
    parts.append(
        f"<text x='{x0 + columns * CELL / 2}' y='{base + 30}' text-anchor='middle' "
        f"font-size='11' {FONT}>impact →</text>"
    )
    return parts


def heat_map_svg(inherent: HeatMap, residual: HeatMap) -> str:
    method = inherent.method
    width_one = len(method.impact) * CELL
    width = LEFT + width_one + GAP + LEFT + width_one + 20
    height = TOP + len(method.likelihood) * CELL + BOTTOM
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label='Risk heat map'>",
        f"<rect width='{width}' height='{height}' fill='#ffffff'/>",
    ]
    parts += _grid(inherent, LEFT)
    parts += _grid(residual, LEFT + width_one + GAP + LEFT)
    legend_y = height - 16
    x = LEFT
    for level in method.levels:
        parts.append(
            f"<rect x='{x}' y='{legend_y - 10}' width='12' height='12' fill='{level.colour}'/>"
            f"<text x='{x + 16}' y='{legend_y}' font-size='11' {FONT}>{escape(level.name)}</text>"
        )
        x += 24 + 7 * len(level.name)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
