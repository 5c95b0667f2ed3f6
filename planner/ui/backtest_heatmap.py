"""A sweep as a heatmap: one figure over two swept keys, each cell labelled with its value.

Cells whose figure is undefined (a MAR with no drawdown, a risk-matched row
with a negative return) are grey and read "—". The colour scale is always
diverging around 0, symmetric: blue above 0, red below, white at 0, so a
grid where the hedge made every drawdown larger reads red, never "best in
blue" relative to its own range. The image item is
made once and fed new data; the cell labels are re-made per grid (their count
changes with it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from planner.ui.backtest_charts import titled_canvas

UNDEFINED_GREY = (200, 200, 200, 255)
DIVERGING = pg.ColorMap([0.0, 0.5, 1.0], [(198, 40, 40), (250, 250, 250), (21, 101, 192)])


class SweepHeatmap(QWidget):
    """``update_grid(x_key, x_values, y_key, y_values, cells, figure_name)``; cells[row][col] (y, x) or None."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweepHeatmap")
        self.title, self.canvas = titled_canvas(self, "Run a sweep to see a figure over two swept keys.",
                                                "sweepTitle")
        self.plot = self.canvas.addPlot()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.labels: list[pg.TextItem] = []
        self.cells = np.empty((0, 0))

    def update_grid(self, x_key: str, x_values: Sequence, y_key: str | None, y_values: Sequence,
                    cells: Sequence[Sequence[float | None]], figure_name: str) -> None:
        values = np.array([[np.nan if v is None else float(v) for v in row] for row in cells], dtype=float)
        self.cells = values
        finite = values[np.isfinite(values)]
        bound = float(np.abs(finite).max()) if finite.size else 0.0
        bound = bound if bound > 0 else 1.0
        shade = np.clip((np.nan_to_num(values, nan=0.0) + bound) / (2.0 * bound), 0.0, 1.0)
        rgba = DIVERGING.map(shade, mode="byte")
        rgba[~np.isfinite(values)] = UNDEFINED_GREY
        self.image.setImage(rgba, autoLevels=False)
        self.image.setRect(0, 0, values.shape[1], values.shape[0])
        for label in self.labels:
            self.plot.removeItem(label)
        self.labels = []
        for row in range(values.shape[0]):
            for col in range(values.shape[1]):
                label = pg.TextItem(cell_text(values[row, col]), color="#202020", anchor=(0.5, 0.5))
                label.setPos(col + 0.5, row + 0.5)
                self.plot.addItem(label)
                self.labels.append(label)
        self.plot.getAxis("bottom").setTicks([[(i + 0.5, _tick(v)) for i, v in enumerate(x_values)]])
        self.plot.getAxis("left").setTicks([[(i + 0.5, _tick(v)) for i, v in enumerate(y_values)]])
        self.plot.setLabel("bottom", x_key)
        self.plot.setLabel("left", y_key or "")
        self.plot.setXRange(0, values.shape[1], padding=0)
        self.plot.setYRange(0, values.shape[0], padding=0)
        over = f"{x_key} (across)" + (f" and {y_key} (up)" if y_key else "")
        self.title.setText(f"{figure_name} over {over}; blue above 0, red below, grey undefined")
        self.canvas.setVisible(True)


def cell_text(value: float) -> str:
    if not math.isfinite(value):
        return "—"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _tick(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
