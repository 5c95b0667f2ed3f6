"""The risk graph: book P&L against SPX today, at T+n and at expiry.

Every plot item is made once in ``__init__``; ``update_report`` only calls
``setData`` / ``setValue`` / ``setRegion`` on them (pyqtgraph
``examples/PanningPlot.py``), so a quote costs a redraw, never a rebuild.
The T+n slider and the VIX shift emit while they move; the session reruns
the risk (coalesced) and the curves follow. The "VIX response" choice sets how
the curves move VIX with SPX (docs/model.md): the response's central path, its
band high (stressed) or VIX held fixed; today's book at the band's low and high
is shaded. When a hedge's payoff would flatten the condors' profile, the y-range
follows the condors and the payoff that runs off the top is marked.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsPathItem,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

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
SLIDER_MIN_WIDTH_PX = 90
READOUT_HINT = "Move the mouse over the graph for SPX, model VIX and P&L on each curve."
CURVE_KEYS = ("today", "horizon", "expiry", "today_condors", "horizon_condors", "expiry_condors")
BAND_KEYS = ("today_low", "today_high")
BAND_BRUSH = (216, 27, 216, 38)  # the today colour, faint: today's book over the VIX band
VIX_MODES = (("central", "central path"), ("stressed", "stressed (band high)"), ("fixed", "fixed VIX"))
# The condors' profile stays readable: when the book's curves would take more than this many times the
# condors' own range, the axis follows the condors (plus one such range of margin) and marks what runs off.
FLATTEN_RATIO = 3.0


def y_range(book: np.ndarray, condors: np.ndarray) -> tuple[float, float, bool, bool]:
    """(low, high, clipped below, clipped above) of the P&L axis for the book's and the condors' curves.

    >>> y_range(np.array([-9e3, 1e5]), np.array([-1e4, 2e3]))  # a hedge payoff far above the condors
    (-10000.0, 14000.0, False, True)
    >>> y_range(np.array([-9e3, 5e3]), np.array([-1e4, 2e3]))
    (-10000.0, 5000.0, False, False)
    """
    book, condors = book[np.isfinite(book)], condors[np.isfinite(condors)]
    c_low, c_high = min(0.0, float(condors.min(initial=0.0))), max(0.0, float(condors.max(initial=0.0)))
    b_low, b_high = float(book.min(initial=0.0)), float(book.max(initial=0.0))
    low, high = min(c_low, b_low), max(c_high, b_high)
    span = c_high - c_low
    if span <= 0.0 or high - low <= FLATTEN_RATIO * span:
        return low, high, False, False
    top, bottom = min(high, c_high + span), max(low, c_low - span)
    return bottom, top, b_low < bottom, b_high > top


def legend_html() -> str:
    solid, dashed = "━━━", "╍╍╍"
    parts = [f"<span style='color:{colour}'><b>{solid}</b></span> {name}"
             for colour, name in ((TODAY, "today"), (HORIZON, "T+n"), (EXPIRY, "expiry"))]
    parts.append(f"<span style='color:#616161'>{dashed}</span> condors alone (same colours)")
    parts.append(f"<span style='color:{TODAY}'>▒</span> today at the VIX band (P10-P90)")
    diamonds = f"<span style='color:{TODAY}'>◆</span><span style='color:{EXPIRY}'>◆</span>"
    parts.append(f"{diamonds} break-evens today / expiry")
    parts.append(f"<span style='color:{SPOT}'>┆</span> SPX now")
    return "&nbsp;&nbsp;&nbsp;".join(parts)


class RiskGraph(QWidget):
    horizon_changed = Signal(float)  # calendar days of the T+n curve
    vix_shift_changed = Signal(float)  # VIX points added to spot VIX (what-if)
    vix_mode_changed = Signal(str)  # "central", "stressed" or "fixed"

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
        # Today's book with VIX at the band's low and high, the region between them shaded.
        self.band_curves = {key: pg.PlotCurveItem(pen=pen(TODAY, 0.8), name=f"Today at VIX band {key[6:]}")
                            for key in BAND_KEYS}
        for curve in self.band_curves.values():
            curve.setZValue(2)
            item.addItem(curve)
        # The shade is a plain path item set from the report's arrays (``_fill_band``): pyqtgraph's
        # FillBetweenItem rebuilds it from both curves' painter paths each time either one changes,
        # twice a quote, and that was half of the time taken to apply a report to this graph.
        self.band_fill = QGraphicsPathItem()
        self.band_fill.setBrush(pg.mkBrush(*BAND_BRUSH))
        self.band_fill.setPen(pg.mkPen(None))
        self.band_fill.setZValue(1)
        item.addItem(self.band_fill, ignoreBounds=True)  # the band's two curves set the view's range
        # What runs off the top (or bottom) when the axis follows the condors.
        self.off_scale = pg.TextItem(color="#b71c1c", fill=pg.mkBrush(255, 255, 255, 220),
                                     border=pg.mkPen("#b71c1c"), anchor=(0.5, 0.0))
        self.off_scale.setZValue(30)
        self.off_scale.setVisible(False)
        item.addItem(self.off_scale, ignoreBounds=True)
        self.off_scale_arrow = pg.ArrowItem(angle=90, headLen=14, tipAngle=40, brush="#b71c1c", pen=None)
        self.off_scale_arrow.setZValue(30)
        self.off_scale_arrow.setVisible(False)
        item.addItem(self.off_scale_arrow, ignoreBounds=True)
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

        self.title = QLabel("Book P&L against SPX, VIX moved with SPX by the VIX response (docs/model.md)")
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
        self.vix_mode = QComboBox()
        self.vix_mode.setObjectName("vixResponse")
        for mode, label in VIX_MODES:
            self.vix_mode.addItem(label, mode)
        self.vix_mode.setToolTip("How the curves move VIX with SPX: the VIX response's central path, its band "
                                 "high (a stressed market), or VIX held at today's level")
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
        mode_caption = QLabel("VIX &response")
        mode_caption.setBuddy(self.vix_mode)
        # The response choice and Reset on a row of their own: on one row with the two sliders, at
        # 1400 px the sliders shrank to a few pixels (or pushed the P&L chart out when held wide).
        response = QHBoxLayout()
        response.addWidget(mode_caption)
        response.addWidget(self.vix_mode)
        response.addStretch(1)
        response.addWidget(self.reset)
        controls.addLayout(response, 1, 0, 1, 6)
        controls.setColumnStretch(1, 1)
        controls.setColumnStretch(4, 1)
        for slider in (self.horizon, self.vix_shift):
            slider.setMinimumWidth(SLIDER_MIN_WIDTH_PX)

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
        self.vix_mode.currentIndexChanged.connect(self._mode_chosen)
        self.reset.clicked.connect(self.reset_what_if)
        self.fixed_vix: float | None = None  # a scenario-map cell's VIX while the mode is "fixed"
        self.pin_spx: float | None = None  # and its SPX level, which the curves then hold exactly
        self._crosshair_spx: float | None = None
        self._report = None
        self._base_vix: float | None = None
        self.follow = FollowRange(self.plot)
        self.updates = 0  # reports drawn (tests and the benchmark read it)

    # -- narrow update methods ---------------------------------------------------------
    def _fill_band(self, spx: np.ndarray, low: np.ndarray, high: np.ndarray) -> None:
        """Shade between the band's low and high: out along one, back along the other, closed."""
        path = pg.arrayToQPath(np.concatenate([spx, spx[::-1]]), np.concatenate([low, high[::-1]]), connect="finite")
        path.closeSubpath()
        self.band_fill.setPath(path)

    def update_report(self, report) -> None:
        same_curves = report is not None and self._report is not None and report.curves is self._report.curves
        self._report = report
        if same_curves:
            return  # the matrix step of the same quote: nothing on this graph changed
        self.updates += 1
        if report is None or report.curves is None:
            for curve in (*self.curves.values(), *self.band_curves.values()):
                curve.setData([], [])
            self.band_fill.setPath(QPainterPath())
            self.off_scale.setVisible(False)
            self.off_scale_arrow.setVisible(False)
            self.break_evens_today.setData([], [])
            self.break_evens_expiry.setData([], [])
            self.title.setText("No market yet: enter SPX and VIX (Trade ▸ Market, Ctrl+M) to draw the risk graph.")
            self.cross_v.setVisible(False)
            self.cross_h.setVisible(False)
            self.readout.setText(READOUT_HINT)
            return
        c = report.curves
        stacked = np.vstack([getattr(c, key) for key in CURVE_KEYS])
        band = np.vstack([getattr(c, key) for key in BAND_KEYS])
        low, high, _, clipped_high = y_range(np.concatenate([stacked[:3].ravel(), band.ravel()]),
                                             stacked[3:].ravel())
        for key, values in zip(CURVE_KEYS, stacked, strict=True):
            self.curves[key].setData(c.spx, values)
        for key, values in zip(BAND_KEYS, band, strict=True):
            self.band_curves[key].setData(c.spx, values)
        self._fill_band(c.spx, band[0], band[1])
        self._mark_off_scale(c, np.vstack([stacked[:3], band[1:]]), high if clipped_high else None)
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
        sessions = (f"a one-session shock today, over {c.sessions[1]:.0f} and {c.sessions[2]:.0f} sessions "
                    "to T+n / expiry")
        how = {"central": f"VIX on the response's central path ({sessions})",
               "stressed": f"VIX on the response's band high, stressed ({sessions})",
               "fixed": f"VIX fixed at {float(c.vix[0]):,.2f} pts"}[c.vix_mode]
        self.title.setText(
            f"<b>Book P&L ($) against SPX</b> — today, T+{c.horizon_days:,.0f} d ({horizon_day}){expiry}; "
            f"grey: 1 and 2 SD moves {band_note}; {how}{what_if}"
        )
        self._show_mode(c.vix_mode)
        self.follow.fit((float(c.spx[0]), float(c.spx[-1])), (low, high))
        if self._crosshair_spx is not None:
            self.show_crosshair_at(self._crosshair_spx)

    def _mark_off_scale(self, c, book: np.ndarray, top: float | None) -> None:
        """An arrow and a note where the book's curves run above the axis's top (None: nothing runs off)."""
        visible = top is not None
        self.off_scale.setVisible(visible)
        self.off_scale_arrow.setVisible(visible)
        if not visible:
            return
        flat = np.where(np.isfinite(book), book, -np.inf)
        curve, index = np.unravel_index(int(np.argmax(flat)), flat.shape)
        spx, peak = float(c.spx[index]), float(flat[curve, index])
        name = ("today", "T+n", "expiry", "today, VIX band high")[curve]
        self.off_scale.setText(f"off scale: up to {signed_money(peak)} at SPX {spx:,.0f} ({name})")
        self.off_scale.setToolTip("The hedges' payoff runs above the axis, which follows the condors' "
                                  "profile so it stays readable; zoom out with the mouse wheel to see it all")
        # The note opens toward the middle of the plot, so it never runs off its side.
        left_half = spx < 0.5 * (float(c.spx[0]) + float(c.spx[-1]))
        self.off_scale.setAnchor((0.0, 0.0) if left_half else (1.0, 0.0))
        self.off_scale.setPos(spx, top)
        self.off_scale_arrow.setPos(spx, top)

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
        self.set_vix_mode("central")

    def set_vix_mode(self, mode: str, fixed_vix: float | None = None, pin_spx: float | None = None) -> None:
        """Choose how the curves move VIX (emits ``vix_mode_changed``): "fixed" at ``fixed_vix`` when given,
        with ``pin_spx`` an SPX level the curves must hold exactly (a scenario-map cell)."""
        self.fixed_vix = fixed_vix if mode == "fixed" else None
        self.pin_spx = pin_spx if mode == "fixed" else None
        index = self.vix_mode.findData(mode)
        if index != self.vix_mode.currentIndex():
            self.vix_mode.blockSignals(True)
            self.vix_mode.setCurrentIndex(index)
            self.vix_mode.blockSignals(False)
        self.vix_mode_changed.emit(mode)

    def _mode_chosen(self, index: int) -> None:
        self.fixed_vix = self.pin_spx = None  # the user's choice: a fixed VIX is today's, no pinned cell
        self.vix_mode_changed.emit(self.vix_mode.itemData(index))

    def _show_mode(self, mode: str) -> None:
        index = self.vix_mode.findData(mode)
        if index != self.vix_mode.currentIndex():
            self.vix_mode.blockSignals(True)
            self.vix_mode.setCurrentIndex(index)
            self.vix_mode.blockSignals(False)

    def show_crosshair_at(self, spx: float, pnl: float | None = None) -> str:
        """Place the crosshair at ``spx`` and return the readout (the mouse handler and tests use it)."""
        self.cross_v.setValue(spx)
        self.cross_v.setVisible(True)
        self._crosshair_spx = spx
        report = self._report
        if report is None or report.curves is None:
            return ""
        c = report.curves
        values = {key: float(np.interp(spx, c.spx, getattr(c, key))) for key in CURVE_KEYS}
        self.cross_h.setValue(values["today"] if pnl is None else pnl)
        self.cross_h.setVisible(True)
        vix = float(np.interp(spx, c.spx, c.vix))
        horizon = f"T+{c.horizon_days:,.0f} d"
        vix_words = f"fixed VIX {vix:,.2f} pts" if c.vix_mode == "fixed" else f"model VIX {vix:,.1f} pts"
        if c.vix_low is not None:
            band_low, band_high = float(np.interp(spx, c.spx, c.vix_low)), float(np.interp(spx, c.spx, c.vix_high))
            vix_words += f" (band {band_low:,.1f}-{band_high:,.1f})"
        if c.vix_horizon is not None and c.vix_mode != "fixed":
            vix_words += (f", {float(np.interp(spx, c.spx, c.vix_horizon)):,.1f} at {horizon}, "
                          f"{float(np.interp(spx, c.spx, c.vix_expiry)):,.1f} at expiry")

        def part(colour: str, name: str, key: str) -> str:
            cents = 2 if key == "today" else 0  # the book today to the cent: a scenario-map cell's figure
            return f"<span style='color:{colour}'>{name}</span> {signed_money(values[key], cents)}"

        shift = self.vix_shift.value()
        what_if = f"<b style='color:#1565c0'>What-if VIX {shift:+d} pts:</b> " if shift else ""
        text = what_if + (
            f"<b>SPX {spx:,.0f} pts</b> ({(spx / report.spx - 1) * 100:+.1f} %) · {vix_words} · "
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
