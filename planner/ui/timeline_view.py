"""The layer timeline: the hedge as layers in time, above VIX and its tier thresholds.

Top chart, one row per position: condor lifetimes as grey bands, hedge layers
as bars from open to expiry (or to their close) coloured by tier, roll chains
as arrows from the old bar's end to the new bar's start, a today line, VIX
expiries (dotted) and the event calendar (dashed, labelled). Bottom chart,
x-linked: VIX daily closes with today's quote as a dot and the tier
thresholds as horizontal lines.

Items are made once. ``update_book`` (the book changed) re-places the bars
and links with ``setOpts``/``setData``; ``update_report`` (a quote) only moves
the today line and the live VIX point and rewrites the P&L labels, so a quote
costs a redraw, never a rebuild. Labels come from a pool that only grows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from planner.domain import Book, Position, PositionKind, Status
from planner.ui.chart_export import add_png_export
from planner.ui.chart_style import TODAY, FollowRange
from planner.ui.figure_text import points, signed_usd, usd
from planner.ui.formatting import ET, describe
from planner.ui.label_layer import Label, LabelLayer
from planner.ui.palette import chart_colours, is_palette_event, style_plot

if TYPE_CHECKING:
    from planner.risk.report import PositionRisk

TIER_COLOURS = {"near": "#1e88e5", "mid": "#fb8c00", "long": "#5e35b1"}
CONDOR_COLOUR = "#90a4ae"
LINK_COLOUR = "#37474f"
VX_EXPIRY_COLOUR = "#78909c"
EVENT_COLOURS = {"FOMC": "#c62828", "CPI": "#00897b", "PPI": "#6d4c41", "custom": "#546e7a"}
BAR_HEIGHT = 0.62
PAST_ALPHA = 90  # closed, rolled or expired bars are drawn faint
AXIS_WIDTH_MAX = 270  # px; longer row names are cut with an ellipsis (the hover shows them whole)
DAY = 86400.0


def day_seconds(day: date) -> float:
    """A calendar day on the time axis: noon UTC, which is that same date in every time zone's label."""
    return datetime.combine(day, time(12, 0), tzinfo=UTC).timestamp()


def row_name(position: Position) -> str:
    return f"#{position.id} {describe(position).replace(',', '')} ×{position.quantity:,}"


def legend_html() -> str:
    bars = " ".join(f"<span style='color:{colour}'>■</span> {tier}" for tier, colour in TIER_COLOURS.items())
    events = " ".join(f"<span style='color:{colour}'>┆</span> {kind}" for kind, colour in EVENT_COLOURS.items()
                      if kind != "custom")
    return "&nbsp;&nbsp;&nbsp;".join((
        f"Layers by tier: {bars}",
        f"<span style='color:{CONDOR_COLOUR}'>■</span> condor lifetime",
        "faint: closed / rolled",
        f"<span style='color:{LINK_COLOUR}'>→</span> roll",
        f"<span style='color:{TODAY}'>│</span> today",
        f"<span style='color:{VX_EXPIRY_COLOUR}'>┊</span> VIX expiry",
        f"events: {events}",
    ))


class RowAxis(pg.AxisItem):
    """Row names at integer positions; everything else blank."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.names: list[str] = []

    def tickValues(self, minVal, maxVal, size):
        low, high = sorted((minVal, maxVal))  # the view is inverted: the range comes high to low
        rows = [i for i in range(len(self.names)) if low - 0.5 <= i <= high + 0.5]
        return [(1.0, rows)]

    def tickStrings(self, values, scale, spacing):
        return [self.names[int(v)] if 0 <= int(v) < len(self.names) else "" for v in values]


class TimelineView(QWidget):
    position_activated = Signal(int)  # double-click on a row: the position id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.book = Book()
        self.report = None
        self.rows: list[Position] = []
        self.roll_pairs: list[tuple[int, int]] = []
        self.updates = 0
        self._settings = None
        self._events: list = []
        self._vix_days: list[date] = []
        self._vix_closes: np.ndarray = np.empty(0)
        self._vix_times: np.ndarray = np.empty(0)
        self._today = datetime.now(UTC)
        self._vix_range: tuple[float, float] | None = None

        self.row_axis = RowAxis("left")
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem("bottom"), "left": self.row_axis})
        self.plot.setObjectName("timelinePlot")
        self.plot.setToolTip("One row per position: hover a bar for cost, mark, P&L, protection and days left; "
                             "double-click it to open its ticket; right-click to save a PNG")
        top = self.plot.getPlotItem()
        top.hideButtons()
        top.getViewBox().invertY(True)  # first row at the top, as in the portfolio tree
        top.getViewBox().setMouseEnabled(x=True, y=False)
        self.row_axis.setStyle(tickLength=0)
        self.condor_bars = pg.BarGraphItem(x0=[], x1=[], y=[], height=BAR_HEIGHT, pen=None, name="Condor lifetimes")
        top.addItem(self.condor_bars)
        self.tier_bars: dict[str, pg.BarGraphItem] = {}
        for tier in TIER_COLOURS:
            bars = pg.BarGraphItem(x0=[], x1=[], y=[], height=BAR_HEIGHT, pen=None, name=f"{tier} tier")
            bars.setZValue(2)
            top.addItem(bars)
            self.tier_bars[tier] = bars
        self.roll_links = pg.PlotDataItem(connect="pairs", pen=pg.mkPen(LINK_COLOUR, width=2))
        self.roll_heads = pg.ScatterPlotItem(symbol="t2", size=11, brush=LINK_COLOUR, pen=pg.mkPen(None))
        self.vx_expiries = pg.PlotDataItem(connect="pairs", pen=pg.mkPen(VX_EXPIRY_COLOUR, width=1,
                                                                         style=Qt.PenStyle.DotLine))
        self.event_lines = {kind: pg.PlotDataItem(connect="pairs", pen=pg.mkPen(colour, width=1.4,
                                                                                style=Qt.PenStyle.DashLine))
                            for kind, colour in EVENT_COLOURS.items()}
        self.today_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(TODAY, width=2), label="today",
                                          labelOpts={"position": 0.97, "color": TODAY, "anchors": [(0, 1), (0, 1)]})
        for graphic, z in ((self.vx_expiries, -5), *((line, -4) for line in self.event_lines.values()),
                           (self.roll_links, 5), (self.roll_heads, 6)):
            graphic.setZValue(z)
            top.addItem(graphic)
        top.addItem(self.today_line, ignoreBounds=True)
        self.event_labels: list[pg.TextItem] = []
        self.pnl_labels = LabelLayer()  # P&L beside each bar, one item for all rows
        self.pnl_labels.setZValue(8)
        top.addItem(self.pnl_labels, ignoreBounds=True)
        add_png_export(top.getViewBox(), top, self, "layer-timeline.png")

        self.vix_plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem("bottom")})
        self.vix_plot.setObjectName("timelineVixPlot")
        self.vix_plot.setToolTip("VIX daily closes (pts), today's quote as a dot, and the tier thresholds")
        bottom = self.vix_plot.getPlotItem()
        bottom.hideButtons()
        bottom.setLabel("left", "VIX (pts)")
        bottom.getAxis("left").enableAutoSIPrefix(False)
        bottom.getViewBox().setMouseEnabled(x=True, y=False)
        bottom.setXLink(top)
        self.vix_curve = pg.PlotDataItem(pen=pg.mkPen("#455a64", width=1.5), name="VIX close")
        self.vix_now = pg.ScatterPlotItem(size=9, brush=TODAY, pen=pg.mkPen("w"), name="VIX now")
        self.vix_today = pg.InfiniteLine(angle=90, pen=pg.mkPen(TODAY, width=1.5))
        bottom.addItem(self.vix_curve)
        bottom.addItem(self.vix_now)
        bottom.addItem(self.vix_today, ignoreBounds=True)
        self.thresholds: dict[str, pg.InfiniteLine] = {}
        for tier, colour in TIER_COLOURS.items():
            line = pg.InfiniteLine(angle=0, pen=pg.mkPen(colour, width=1.2, style=Qt.PenStyle.DashLine),
                                   label=f"{tier} {{value:g}}",
                                   labelOpts={"position": 0.98, "color": colour, "anchors": [(1, 1), (1, 1)]})
            bottom.addItem(line, ignoreBounds=True)
            self.thresholds[tier] = line
        add_png_export(bottom.getViewBox(), bottom, self, "vix-history.png")

        self.follow = FollowRange(self.plot)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self._mouse = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)

        self.title = QLabel("<b>Hedge layers in time</b>: bars from open to expiry, VIX below")
        self.title.setObjectName("timelineTitle")
        self.title.setWordWrap(True)
        self.legend = QLabel(legend_html())
        self.legend.setObjectName("timelineLegend")
        self.legend.setWordWrap(True)
        self.legend.setToolTip("Colours and marks of the timeline")
        self.readout = QLabel("Hover over a bar for its cost, mark, P&L, protection and days left.")
        self.readout.setObjectName("timelineReadout")
        self.readout.setWordWrap(True)
        self.readout.setMinimumHeight(36)
        self.readout.setToolTip("The position under the mouse")
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setObjectName("timelineSplitter")
        self.split.addWidget(self.plot)
        self.split.addWidget(self.vix_plot)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([450, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.legend)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.readout)
        self._restyle()

    # -- narrow update methods ------------------------------------------------------------
    def update_book(self, book: Book) -> None:
        """Every position, open or not: rows, bars, roll links."""
        self.book = book
        condors = sorted((p for p in book.positions if p.kind is PositionKind.CONDOR), key=_opened)
        layers = sorted((p for p in book.positions if p.kind is PositionKind.LAYER),
                        key=lambda p: (list(TIER_COLOURS).index(str(p.tier)) if p.tier else 9, _opened(p)))
        self.rows = [*condors, *layers]
        row_of = {p.id: i for i, p in enumerate(self.rows)}
        self.row_axis.names = [row_name(p) for p in self.rows]
        self._fit_axis_width()

        def bars_of(members: list[Position], colour: str) -> dict:
            x0 = [day_seconds(p.opened_at.astimezone(ET).date()) for p in members]
            x1 = [max(day_seconds(_end(p)), start + DAY / 2) for p, start in zip(members, x0, strict=True)]
            brushes = [pg.mkBrush(pg.mkColor(colour).red(), pg.mkColor(colour).green(), pg.mkColor(colour).blue(),
                                  255 if p.is_open else PAST_ALPHA) for p in members]
            pens = [pg.mkPen(colour, width=1) if p.is_open else pg.mkPen(None) for p in members]
            return {"x0": x0, "x1": x1, "y": [row_of[p.id] for p in members], "brushes": brushes, "pens": pens}

        condor_opts = bars_of(condors, CONDOR_COLOUR)
        for brush in condor_opts["brushes"]:
            colour = brush.color()
            colour.setAlpha(110 if colour.alpha() == 255 else 50)
            brush.setColor(colour)
        _set_bars(self.condor_bars, condor_opts, BAR_HEIGHT + 0.2)
        for tier, bars in self.tier_bars.items():
            _set_bars(bars, bars_of([p for p in layers if str(p.tier) == tier], TIER_COLOURS[tier]), BAR_HEIGHT)

        self.roll_pairs = [(p.rolled_from, p.saved_id) for p in self.rows
                           if p.rolled_from is not None and p.rolled_from in row_of]
        xs, ys = [], []
        for old_id, new_id in self.roll_pairs:
            old, new = self.rows[row_of[old_id]], self.rows[row_of[new_id]]
            xs += [day_seconds(_end(old)), day_seconds(new.opened_at.astimezone(ET).date())]
            ys += [row_of[old_id], row_of[new_id]]
        self.roll_links.setData(xs, ys)
        self.roll_heads.setData(xs[1::2], ys[1::2])
        self._place_markers()
        self._place_pnl_labels()
        self._fit()

    def update_report(self, report) -> None:
        """A new quote: today line, live VIX point, P&L labels (the bars stay)."""
        self.report = report
        self.updates += 1
        if report is not None:
            self._today = report.asof
        now = self._today.timestamp()
        self.today_line.setValue(now)
        self.vix_today.setValue(now)
        if report is None:
            self.vix_now.setData([], [])
        else:
            self.vix_now.setData([now], [report.vix])
        self._place_pnl_labels()
        self._show_title()
        self._fit_vix()

    def update_history(self, frame) -> None:
        """Daily closes (the store's frame: a date index and a ``VIX`` column), or None."""
        if frame is None or "VIX" not in getattr(frame, "columns", ()):
            self._vix_days, self._vix_closes = [], np.empty(0)
        else:
            series = frame["VIX"].dropna()
            self._vix_days = [d.date() if isinstance(d, datetime) else d for d in series.index]
            self._vix_closes = series.to_numpy(dtype=float)
        self._vix_times = np.array([day_seconds(d) for d in self._vix_days], dtype=float)
        self.vix_curve.setData(self._vix_times, self._vix_closes)
        self._fit_vix()

    def update_events(self, events) -> None:
        self._events = sorted(events, key=lambda e: e.date)
        self._place_markers()

    def update_settings(self, settings) -> None:
        self._settings = settings
        for tier, line in self.thresholds.items():
            line.setValue(settings.tier_vix_threshold(tier))
        self._fit_vix()

    # -- reading (hover, tests) -------------------------------------------------------------
    def position_at(self, x: float, y: float) -> Position | None:
        """The position whose bar is under the view point (time in seconds, row)."""
        row = round(y)
        if not (0 <= row < len(self.rows)) or abs(y - row) > BAR_HEIGHT / 2 + 0.1:
            return None
        position = self.rows[row]
        start, end = day_seconds(position.opened_at.astimezone(ET).date()), day_seconds(_end(position))
        return position if start - DAY <= x <= max(end, start + DAY / 2) + DAY else None

    def details(self, position: Position) -> str:
        today = self._today.astimezone(ET).date()
        cost = position.cost_basis + position.fees
        cost_word = "credit" if position.kind is PositionKind.CONDOR else "cost"
        parts = [f"<b>{row_name(position)}</b>", f"{cost_word} {usd(abs(cost))} ({position.open_price:,.2f} pts)",
                 f"opened {position.opened_at.astimezone(ET):%Y-%m-%d}", f"expiry {position.expiry.isoformat()}"]
        if position.is_open:
            risk = self.report.position(position.id) if self.report is not None else None
            if risk is not None:
                parts.append(f"mark {points(risk.mark)}")
                parts.append(f"P&L <b>{signed_usd(risk.pnl_usd)}</b>")
                if position.kind is PositionKind.LAYER:
                    parts.append(f"protection {usd(risk.greeks.protection_usd)} per VIX pt")
                else:
                    parts.append(f"vega {usd(risk.greeks.vega_usd)} per vol pt")
            parts.append(f"{(position.expiry - today).days:,} d left")
        else:
            closed = position.closed_at.astimezone(ET).date().isoformat() if position.closed_at else "—"
            price = f" at {position.close_price:,.2f} pts" if position.close_price is not None else ""
            parts.append(f"{position.status} {closed}{price}")
            parts.append(f"realized {signed_usd(position.realized_pnl())}")
        if position.rolled_from is not None:
            parts.append(f"rolled from #{position.rolled_from}")
        if position.split_from is not None:
            parts.append(f"partial close of {position.quantity:,} from #{position.split_from}")
        successor = next((new for old, new in self.roll_pairs if old == position.id), None)
        if successor is not None:
            parts.append(f"rolled into #{successor}")
        return " · ".join(parts)

    # -- internals ---------------------------------------------------------------------------
    def _place_markers(self) -> None:
        """VIX expiries and calendar events as vertical lines over the rows (the book or events changed)."""
        first, last = self._date_span()
        top, bottom = -0.9, max(len(self.rows), 1) - 0.5
        from planner import calendars

        try:
            self._vx_days = calendars.expirations("vix", first, last)
        except Exception:  # a span outside the calendar's reach: draw no expiries rather than fail
            self._vx_days = []
        xs = [day_seconds(d) for d in self._vx_days for _ in (0, 1)]
        self.vx_expiries.setData(xs, [top, bottom] * len(self._vx_days))
        shown = [e for e in self._events if first <= e.date <= last]
        for kind, line in self.event_lines.items():
            days = [e.date for e in shown if _event_kind(e) == kind]
            line.setData([day_seconds(d) for d in days for _ in (0, 1)], [top, bottom] * len(days))
        self._grow(self.event_labels, len(shown), anchor=(0.5, 1.0))
        previous: date | None = None
        lift = 0
        for label, event in zip(self.event_labels, shown, strict=False):
            kind = _event_kind(event)
            label.setText(kind if kind != "custom" else (event.label or "event")[:12], color=EVENT_COLOURS[kind])
            label.setToolTip(f"{event.kind} {event.date.isoformat()} {event.label}".strip())
            # Events a few days apart would print over each other: alternate two heights.
            lift = (1 - lift) if previous is not None and (event.date - previous).days < 8 else 0
            previous = event.date
            label.setPos(day_seconds(event.date), top - 0.45 * lift)
            label.setVisible(True)
        for label in self.event_labels[len(shown):]:
            label.setVisible(False)

    def _place_pnl_labels(self) -> None:
        """P&L beside each bar: open positions at the latest quote, closed ones realized."""
        before = self._today.astimezone(ET).date()
        colours = chart_colours(self.palette())
        foreground, muted = QColor(colours.foreground), QColor(colours.muted)
        risks: dict[int | None, PositionRisk] = {r.id: r for r in self.report.positions} if self.report else {}
        labels = []
        for row, position in enumerate(self.rows):
            if position.is_open:
                risk = risks.get(position.id)
                value = risk.pnl_usd if risk is not None else None
            else:
                value = position.realized_pnl()
            if value is None:
                continue
            start = day_seconds(position.opened_at.astimezone(ET).date())
            colour = foreground if position.is_open else muted
            if position.is_open or _end(position) > before:
                labels.append(Label(max(day_seconds(_end(position)), start) + DAY * 0.8, row, signed_usd(value),
                                    colour, (0.0, 0.5)))
            else:  # a past bar: its realized P&L before it, clear of the roll arrow after it
                labels.append(Label(start - DAY * 0.8, row, signed_usd(value), colour, (1.0, 0.5)))
        self.pnl_labels.set_labels(labels)

    def _grow(self, pool: list[pg.TextItem], count: int, anchor) -> None:
        while len(pool) < count:
            label = pg.TextItem("", anchor=anchor)
            label.setZValue(8)
            self.plot.getPlotItem().addItem(label, ignoreBounds=True)
            pool.append(label)

    def _date_span(self) -> tuple[date, date]:
        today = self._today.astimezone(ET).date()
        opened = [p.opened_at.astimezone(ET).date() for p in self.rows]
        ends = [_end(p) for p in self.rows]
        first = min([*opened, today - timedelta(days=60)]) - timedelta(days=5)
        last = max([*ends, today + timedelta(days=30)]) + timedelta(days=10)
        return first, last

    def _fit(self) -> None:
        first, last = self._date_span()
        x0, x1 = day_seconds(first), day_seconds(last)
        x1 += (x1 - x0) * 0.08  # room for the P&L labels after the last bar
        self.follow.fit((x0, x1), (-1.4, max(len(self.rows), 1) - 0.4))

    def _fit_vix(self) -> None:
        values = list(self._vix_closes[np.isfinite(self._vix_closes)]) if self._vix_closes.size else []
        if self.report is not None:
            values.append(self.report.vix)
        if self._settings is not None:
            values += [self._settings.tier_vix_threshold(t) for t in TIER_COLOURS]
        if values:
            low, high = min(values), max(values)
            pad = max((high - low) * 0.08, 1.0)
            wanted = (low - pad, high + pad)
            if wanted != self._vix_range:  # an unchanged range keeps the axis picture
                self._vix_range = wanted
                self.vix_plot.getPlotItem().getViewBox().setYRange(*wanted, padding=0)

    def _fit_axis_width(self) -> None:
        metrics = QFontMetrics(self.row_axis.style.get("tickFont") or self.font())
        widest = max((metrics.horizontalAdvance(name) for name in self.row_axis.names), default=60)
        width = min(widest + 14, AXIS_WIDTH_MAX)
        if width < widest + 14:
            self.row_axis.names = [metrics.elidedText(name, Qt.TextElideMode.ElideRight, width - 14)
                                   for name in self.row_axis.names]
        self.row_axis.setWidth(width)
        self.vix_plot.getPlotItem().getAxis("left").setWidth(width)  # the two time axes line up
        self.row_axis.picture = None
        self.row_axis.update()

    def _show_title(self) -> None:
        open_layers = [p for p in self.rows if p.is_open and p.kind is PositionKind.LAYER]
        tiers = {str(p.tier) for p in open_layers}
        missing = [t for t in TIER_COLOURS if t not in tiers]
        gap = f" · no open {', '.join(missing)} layer" if missing else ""
        vix = f" · VIX {points(self.report.vix)}" if self.report is not None else ""
        layers, rolls = len(open_layers), len(self.roll_pairs)
        self.title.setText(f"<b>Hedge layers in time</b>: {layers} open layer{'s' if layers != 1 else ''}, "
                           f"{rolls} roll{'s' if rolls != 1 else ''}{gap}{vix}")

    def _mouse_moved(self, event) -> None:
        scene_pos = event[0]
        view = self.plot.getPlotItem().getViewBox()
        if not view.sceneBoundingRect().contains(scene_pos):
            return
        point = view.mapSceneToView(scene_pos)
        position = self.position_at(point.x(), point.y())
        if position is not None:
            self.readout.setText(self.details(position))

    def _clicked(self, event) -> None:
        if not event.double() or event.button() != Qt.MouseButton.LeftButton:
            return
        view = self.plot.getPlotItem().getViewBox()
        point = view.mapSceneToView(event.scenePos())
        position = self.position_at(point.x(), point.y())
        if position is not None and position.id is not None:
            self.position_activated.emit(position.id)

    def changeEvent(self, event) -> None:
        if is_palette_event(event):
            self._restyle()
        super().changeEvent(event)

    def _restyle(self) -> None:
        palette = self.palette()
        colours = style_plot(self.plot, palette=palette)
        style_plot(self.vix_plot, palette=palette)
        self.vix_curve.setPen(pg.mkPen(colours.foreground, width=1.5))
        self.today_line.label.fill = pg.mkBrush(*colours.label_fill)
        if self.rows:
            self._place_pnl_labels()


def _set_bars(bars: pg.BarGraphItem, opts: dict, height: float) -> None:
    # pyqtgraph 0.14 fails on an empty ``pens`` list: an empty row set takes the single-pen form.
    if not opts["y"]:
        opts = {**opts, "pens": None, "brushes": None, "pen": None, "brush": (0, 0, 0, 0)}
    bars.setOpts(**opts, height=height)


def _event_kind(event) -> str:
    kind = str(event.kind)
    return kind if kind in EVENT_COLOURS else "custom"


def _opened(position: Position) -> datetime:
    return position.opened_at


def _end(position: Position) -> date:
    """Where a bar ends: its close for a closed or rolled position, else its expiry."""
    if position.status in (Status.CLOSED, Status.ROLLED) and position.closed_at is not None:
        return min(position.closed_at.astimezone(ET).date(), position.expiry)
    return position.expiry


__all__ = ["TimelineView", "day_seconds"]
