"""The risk graph: book P&L against SPX today, at T+n and at expiry.

Every plot item is made once in ``__init__``; ``update_report`` only calls
``setData`` / ``setValue`` / ``setRegion`` on them (pyqtgraph
``examples/PanningPlot.py``), so a quote costs a redraw, never a rebuild.
The T+n slider and the VIX shift emit while they move; the session reruns
the risk (coalesced) and the curves follow.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from planner.ui.chart_style import (
    BAND_1SD,
    BAND_2SD,
    EXPIRY,
    HORIZON,
    SPOT,
    TODAY,
    FollowRange,
    MoneyAxis,
    PointsAxis,
    pen,
    plot_widget,
)
from planner.ui.formatting import ET, signed_money
from planner.ui.steady_label import SteadyLabel

VIX_SHIFT_RANGE = (-10, 40)  # VIX points the what-if control covers
READOUT_HINT = "Move the mouse over the graph for SPX, model VIX and P&L on each curve."
CURVE_KEYS = ("today", "horizon", "expiry", "today_condors", "horizon_condors", "expiry_condors")


def legend_html() -> str:
    solid, dashed = "━━━", "╍╍╍"
    parts = [f"<span style='color:{colour}'><b>{solid}</b></span> {name}"
             for colour, name in ((TODAY, "today"), (HORIZON, "T+n"), (EXPIRY, "expiry"))]
    parts.append(f"<span style='color:#616161'>{dashed}</span> condors alone (same colours)")
    diamonds = f"<span style='color:{TODAY}'>◆</span><span style='color:{EXPIRY}'>◆</span>"
    parts.append(f"{diamonds} break-evens today / expiry")
    parts.append(f"<span style='color:{SPOT}'>┆</span> SPX now")
    return "&nbsp;&nbsp;&nbsp;".join(parts)


class RiskGraph(QWidget):
    horizon_changed = Signal(float)  # calendar days of the T+n curve
    vix_shift_changed = Signal(float)  # VIX points added to spot VIX (what-if)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskGraph")
        self.plot = plot_widget(PointsAxis("bottom"), MoneyAxis("left"))
        self.plot.setObjectName("riskPlot")
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "SPX (index points)")
        item.setLabel("left", "P&L ($, net of fees)")
        # The view menu (ranges, mouse mode, export) stays; pyqtgraph's Plot Options (log axes,
        # FFT, downsampling) act only on PlotDataItems, not on these curves, and mean nothing for P&L.
        item.setMenuEnabled(False, enableViewBoxMenu=True)
        self.band_2sd = pg.LinearRegionItem(movable=False, brush=BAND_2SD, pen=pg.mkPen(None))
        self.band_1sd = pg.LinearRegionItem(movable=False, brush=BAND_1SD, pen=pg.mkPen(None))
        for band in (self.band_2sd, self.band_1sd):
            band.setZValue(-20)
            item.addItem(band, ignoreBounds=True)
        self.zero = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen("#9e9e9e", width=1))
        item.addItem(self.zero, ignoreBounds=True)
        # Plain curve items: PlotDataItem's setData (symbols, downsampling, clipping bookkeeping)
        # costs ten times a PlotCurveItem's, on six curves every quote, for features unused here.
        self.curves: dict[str, pg.PlotCurveItem] = {}
        styles = {"today": (TODAY, "Today"), "horizon": (HORIZON, "T+n"), "expiry": (EXPIRY, "Expiry")}
        for key in CURVE_KEYS:
            base = key.removesuffix("_condors")
            colour, name = styles[base]
            alone = key.endswith("_condors")
            # Antialiased dashes cost a third of the plot's paint; thin dashes read as well without.
            curve = pg.PlotCurveItem(pen=pen(colour, 1.4 if alone else 2.2, dashed=alone), connect="finite",
                                     antialias=not alone,
                                     name=f"{name} (condors alone)" if alone else f"{name} (book)")
            curve.setZValue(5 if alone else 10)
            item.addItem(curve)
            self.curves[key] = curve
        self.break_evens_today = pg.ScatterPlotItem(symbol="d", size=11, pen=pg.mkPen("w"), brush=TODAY,
                                                    name="Break-even today")
        self.break_evens_expiry = pg.ScatterPlotItem(symbol="d", size=11, pen=pg.mkPen("w"), brush=EXPIRY,
                                                     name="Break-even at expiry")
        for scatter in (self.break_evens_today, self.break_evens_expiry):
            scatter.setZValue(20)
            item.addItem(scatter)
        self.spot = pg.InfiniteLine(angle=90, pen=pg.mkPen(SPOT, width=1.5, style=Qt.PenStyle.DashDotLine),
                                    label="SPX {value:,.0f}",
                                    labelOpts={"position": 0.04, "color": SPOT, "fill": (255, 255, 255, 200)})
        item.addItem(self.spot, ignoreBounds=True)
        self.cross_v = pg.InfiniteLine(angle=90, pen=pg.mkPen("#757575", width=1, style=Qt.PenStyle.DotLine))
        self.cross_h = pg.InfiniteLine(angle=0, pen=pg.mkPen("#757575", width=1, style=Qt.PenStyle.DotLine))
        for line in (self.cross_v, self.cross_h):
            line.setVisible(False)
            item.addItem(line, ignoreBounds=True)
        self._mouse = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)

        self.title = QLabel("Book P&L against SPX, VIX moved with SPX by the spot-vol model")
        self.title.setObjectName("riskTitle")
        self.title.setWordWrap(True)
        # The legend sits above the plot, never over a curve.
        self.legend = QLabel(legend_html())
        self.legend.setObjectName("riskLegend")
        self.legend.setWordWrap(True)
        self.readout = QLabel(READOUT_HINT)
        self.readout.setObjectName("crosshairReadout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setWordWrap(True)
        self.readout.setMinimumHeight(36)

        self.horizon = QSlider(Qt.Orientation.Horizontal)
        self.horizon.setObjectName("horizonSlider")
        self.horizon.setRange(0, 30)
        self.horizon.setValue(7)
        self.horizon.setPageStep(7)
        self.horizon.setToolTip("Date of the T+n curve, calendar days from now (PgUp/PgDn: a week)")
        self.horizon_label = SteadyLabel("T+7 d", "T+365 d (Wed Dec 30)")
        self.vix_shift = QSlider(Qt.Orientation.Horizontal)
        self.vix_shift.setObjectName("vixShiftSlider")
        self.vix_shift.setRange(*VIX_SHIFT_RANGE)
        self.vix_shift.setValue(0)
        self.vix_shift.setPageStep(5)
        self.vix_shift.setToolTip("What-if: add this many points to spot VIX (futures move by their damped share); "
                                  "not stored")
        self.vix_label = SteadyLabel("VIX +0 pts", "VIX +40 pts → 100.00 pts")
        self.reset = QPushButton("Re&set what-if")
        self.reset.setToolTip("Back to the stored quote and a 7-day T+n curve")
        horizon_caption = QLabel("&T+n date")
        horizon_caption.setBuddy(self.horizon)
        vix_caption = QLabel("VIX s&hift")
        vix_caption.setBuddy(self.vix_shift)
        controls = QGridLayout()
        controls.setContentsMargins(4, 0, 4, 0)
        controls.addWidget(horizon_caption, 0, 0)
        controls.addWidget(self.horizon, 0, 1)
        controls.addWidget(self.horizon_label, 0, 2)
        controls.addWidget(vix_caption, 0, 3)
        controls.addWidget(self.vix_shift, 0, 4)
        controls.addWidget(self.vix_label, 0, 5)
        controls.addWidget(self.reset, 0, 6)
        controls.setColumnStretch(1, 1)
        controls.setColumnStretch(4, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)
        layout.addLayout(controls)
        layout.addWidget(self.readout)

        self.horizon.valueChanged.connect(self._horizon_moved)
        self.vix_shift.valueChanged.connect(self._vix_moved)
        self.reset.clicked.connect(self.reset_what_if)
        self._report = None
        self._base_vix: float | None = None
        self.follow = FollowRange(self.plot)
        self.updates = 0  # reports drawn (tests and the benchmark read it)

    # -- narrow update methods ---------------------------------------------------------
    def update_report(self, report) -> None:
        same_curves = report is not None and self._report is not None and report.curves is self._report.curves
        self._report = report
        if same_curves:
            return  # the matrix step of the same quote: nothing on this graph changed
        self.updates += 1
        if report is None or report.curves is None:
            for curve in self.curves.values():
                curve.setData([], [])
            self.break_evens_today.setData([], [])
            self.break_evens_expiry.setData([], [])
            self.title.setText("No market yet: enter SPX and VIX (Trade ▸ Market, Ctrl+M) to draw the risk graph.")
            self.cross_v.setVisible(False)
            self.cross_h.setVisible(False)
            self.readout.setText(READOUT_HINT)
            return
        # Here, not at the top: importing planner.risk loads the engine, which the first paint does not need.
        from planner.risk.curve_points import RELATIVE_TOLERANCE, drawn_points

        c = report.curves
        stacked = np.vstack([getattr(c, key) for key in CURVE_KEYS])
        finite = stacked[np.isfinite(stacked)]
        low, high = min(0.0, float(finite.min(initial=0.0))), max(0.0, float(finite.max(initial=0.0)))
        # Only the points the eye needs: a fraction of a pixel from the priced curve, a third of
        # the points to stroke (the antialiased book curves are most of this plot's paint).
        keep = drawn_points(c.spx, stacked, RELATIVE_TOLERANCE * (high - low))
        for key, values, kept in zip(CURVE_KEYS, stacked, keep, strict=True):
            self.curves[key].setData(c.spx[kept], values[kept])
        self.break_evens_today.setData(list(report.break_evens_today), [0.0] * len(report.break_evens_today))
        self.break_evens_expiry.setData(list(report.break_evens_expiry), [0.0] * len(report.break_evens_expiry))
        bands = c.bands_expiry or c.bands_horizon
        if bands:
            self.band_1sd.setRegion(bands["1sd"])
            self.band_2sd.setRegion(bands["2sd"])
        self.band_1sd.setVisible(bool(bands))
        self.band_2sd.setVisible(bool(bands))
        self.spot.setValue(report.spx)
        self._update_horizon_control(report)
        horizon_day = c.horizon_at.astimezone(ET).strftime("%b %d")
        expiry = f", expiry {c.expiry_at.astimezone(ET).strftime('%b %d')} (nearest condor)" if c.expiry_at else ""
        band_note = "to expiry" if c.bands_expiry else "to T+n"
        shift = self.vix_shift.value()
        what_if = f" · what-if VIX {shift:+d} pts" if shift else ""
        self.title.setText(
            f"<b>Book P&L ($) against SPX</b> — today, T+{c.horizon_days:,.0f} d ({horizon_day}){expiry}; "
            f"shaded: 1 and 2 SD moves {band_note}; VIX moves with SPX (model){what_if}"
        )
        self.follow.fit((float(c.spx[0]), float(c.spx[-1])), (low, high))
        if self.cross_v.isVisible():  # the readout follows the new curves, never the old ones
            self.show_crosshair_at(self.cross_v.value())

    def drawn_values(self, key: str, spx) -> np.ndarray:
        """Curve ``key`` as drawn, at the SPX levels ``spx`` (the tests hold it to the priced curve)."""
        x, y = self.curves[key].getData()
        return np.interp(spx, x, y) if x is not None and len(x) else np.full(np.shape(spx), np.nan)

    def update_base_vix(self, vix: float | None) -> None:
        """Spot VIX before the what-if shift (the stored or replayed quote)."""
        self._base_vix = vix
        self._show_vix_shift()

    def _update_horizon_control(self, report) -> None:
        c = report.curves
        days_to_expiry = (c.expiry_at - report.asof).total_seconds() / 86400 if c.expiry_at else 60.0
        maximum = max(1, math.ceil(days_to_expiry))
        self.horizon.blockSignals(True)
        self.horizon.setMaximum(maximum)
        self.horizon.setValue(round(c.horizon_days))
        self.horizon.blockSignals(False)
        self._show_horizon(c.horizon_days, c.horizon_at)

    def _show_horizon(self, days: float, at=None) -> None:
        when = f" ({at.astimezone(ET).strftime('%a %b %d')})" if at is not None else ""
        self.horizon_label.setText(f"T+{days:,.0f} d{when}")

    def reset_what_if(self) -> None:
        self.vix_shift.setValue(0)
        self.horizon.setValue(min(7, self.horizon.maximum()))

    def show_crosshair_at(self, spx: float, pnl: float | None = None) -> str:
        """Place the crosshair at ``spx`` and return the readout (the mouse handler and tests use it)."""
        self.cross_v.setValue(spx)
        self.cross_v.setVisible(True)
        report = self._report
        if report is None or report.curves is None:
            return ""
        c = report.curves
        values = {key: float(np.interp(spx, c.spx, getattr(c, key))) for key in CURVE_KEYS}
        self.cross_h.setValue(values["today"] if pnl is None else pnl)
        self.cross_h.setVisible(True)
        vix = float(np.interp(spx, c.spx, c.vix))
        horizon = f"T+{c.horizon_days:,.0f} d"

        def part(colour: str, name: str, key: str) -> str:
            return f"<span style='color:{colour}'>{name}</span> {signed_money(values[key])}"

        shift = self.vix_shift.value()
        what_if = f"<b style='color:#1565c0'>What-if VIX {shift:+d} pts:</b> " if shift else ""
        text = what_if + (
            f"<b>SPX {spx:,.0f} pts</b> ({(spx / report.spx - 1) * 100:+.1f} %) · model VIX {vix:,.1f} pts · "
            f"book: {part(TODAY, 'today', 'today')}, {part(HORIZON, horizon, 'horizon')}, "
            f"{part(EXPIRY, 'expiry', 'expiry')} · condors alone: {part(TODAY, 'today', 'today_condors')}, "
            f"{part(HORIZON, horizon, 'horizon_condors')}, {part(EXPIRY, 'expiry', 'expiry_condors')}"
        )
        self.readout.setText(text)
        return text

    # -- internals -------------------------------------------------------------------------
    def _mouse_moved(self, event) -> None:
        position = event[0]
        view = self.plot.getPlotItem().vb
        if not self.plot.sceneBoundingRect().contains(position):
            return
        point = view.mapSceneToView(position)
        self.show_crosshair_at(point.x(), point.y())

    def _horizon_moved(self, value: int) -> None:
        self._show_horizon(value)
        self.horizon_changed.emit(float(value))

    def _vix_moved(self, value: int) -> None:
        self._show_vix_shift()
        self.vix_shift_changed.emit(float(value))

    def _show_vix_shift(self) -> None:
        value = self.vix_shift.value()
        after = f" → {self._base_vix + value:,.2f} pts" if self._base_vix is not None else ""
        self.vix_label.setText(f"VIX {value:+d} pts{after}")
