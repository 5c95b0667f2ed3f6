"""The positions table: a Qt model over the latest risk report.

One row per open position: mark, P&L, day P&L and dollar Greeks, each header
naming its unit. DisplayRole is the formatted text, SORT_ROLE the raw number
(so sorting is numeric), ForegroundRole colours P&L by sign. A new report with
the same positions only emits dataChanged; the rows are rebuilt only when the
set of positions changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from planner.domain import Book, Position
from planner.ui.formatting import describe, expiry_text, finite, money, percent, signed_money

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
POSITION_ID_ROLE = Qt.ItemDataRole.UserRole + 2
GAIN, LOSS = QColor("#1b7f3b"), QColor("#c62828")


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    tooltip: str
    value: Callable  # (PositionRisk, Position, today) -> float | str | None
    text: Callable  # value -> display text
    signed: bool = False  # coloured by sign
    market: bool = True  # moves with the quote (False: changes only with the position or the date)


def _pts(value: float | None) -> str:
    return f"{value:,.2f}" if finite(value) else "—"


def _pct(value: float | None) -> str:
    return percent(value, 1) if finite(value) else "—"


COLUMNS: tuple[Column, ...] = (
    Column("id", "#", "Position number", lambda r, p, t: r.id, lambda v: str(v), market=False),
    Column("what", "Position", "Condor strikes and settlement, or the layer's tier, kind and strikes",
           lambda r, p, t: describe(p) if p else r.kind, str, market=False),
    # Headers stay short, so the Greeks and max loss fit at 1400 px; each tooltip says it in full.
    Column("qty", "Qty", "Packages held: condors or spreads (contracts)", lambda r, p, t: r.quantity,
           lambda v: f"{v:,}", market=False),
    Column("expiry", "Expiry\n(d left)", "Expiry date and calendar days left",
           lambda r, p, t: r.expiry, lambda v: v, market=False),
    Column("mark", "Mark\n(pts)", "Price per package now, points (a condor's cost to close)",
           lambda r, p, t: r.mark, _pts),
    Column("pnl", "P&L\n($)", "Profit or loss since opening, dollars, net of fees",
           lambda r, p, t: r.pnl_usd, signed_money, signed=True),
    Column("day_pnl", "Day P&L\n($)", "Change since the previous stored quote, dollars",
           lambda r, p, t: r.day_pnl_usd, signed_money, signed=True),
    Column("delta_spx", "Δ SPX\n($/pt)", "Dollars gained per 1-point SPX rise (SPX legs), $ per SPX point",
           lambda r, p, t: r.greeks.delta_spx_usd, money),
    Column("delta_vix", "Δ VIX\n($/pt)", "Dollars gained per 1-point rise of each leg's VIX future, $ per VIX point",
           lambda r, p, t: r.greeks.delta_vix_usd, money),
    Column("gamma", "Γ\n($Δ/pt)", "Change of the dollar delta per 1-point move of the underlying",
           lambda r, p, t: r.greeks.gamma_usd, lambda v: money(v, 2)),
    Column("vega", "Vega\n($/vol pt)", "Dollars per 1 volatility point (0.01) of implied vol",
           lambda r, p, t: r.greeks.vega_usd, money),
    Column("theta", "Θ\n($/day)", "Dollars per calendar day of time decay",
           lambda r, p, t: r.greeks.theta_usd, money),
    Column("protection", "Protect\n($/VIX pt)", "Hedge protection: gain per 1-point rise of spot VIX, dollars",
           lambda r, p, t: r.greeks.protection_usd, money),
    Column("max_loss", "Max loss\n($)", "Largest possible loss, fees included: a condor's widest wing less its "
           "credit, a layer's debit",
           lambda r, p, t: r.max_loss_usd, money, market=False),
    Column("coverage", "Cover\n(%)", "Hedge protection on this condor over its volatility exposure",
           lambda r, p, t: r.coverage_pct, _pct),
    Column("risk_used", "Risk\n(% eq.)", "Worst scenario loss of the condor with its hedges, % of equity",
           lambda r, p, t: r.risk_used_pct, _pct),
)
COLUMN_INDEX = {column.key: i for i, column in enumerate(COLUMNS)}
WHAT_COLUMN, EXPIRY_COLUMN = COLUMN_INDEX["what"], COLUMN_INDEX["expiry"]
MARK_COLUMN = COLUMN_INDEX["mark"]
# With live quotes, where each position's mark came from (planner.app.leg_marks): a tag after the figure.
MARK_TAGS = {"market": " mkt", "partly market": " mix", "model": " mdl"}

MARKET_COLUMNS = tuple(i for i, column in enumerate(COLUMNS) if column.market)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class PositionsModel(QAbstractTableModel):
    """Sorts itself (no proxy): a quote re-sorts 100 rows in Python once, instead of the
    proxy re-querying every row through the model on every dataChanged."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple] = []  # (PositionRisk, Position | None)
        self._today = date.today()
        self._cells: dict[tuple[int, int], object] = {}
        self._texts: dict[tuple[int, int], str] = {}
        self._described: dict[int | None, tuple[Position, str]] = {}
        self.mark_sources: dict[int, str] = {}  # position id -> market / partly market / model (live only)
        self.sort_column = COLUMN_INDEX["id"]
        self.sort_order = Qt.SortOrder.AscendingOrder

    # -- narrow update -------------------------------------------------------------
    def update_report(self, report, book: Book) -> None:
        positions = {p.id: p for p in book.positions}
        rows = [] if report is None else [(r, positions.get(r.id)) for r in report.positions]
        today = self._today
        if report is not None:
            self._today = report.asof.date()
        old_ids = [r.id for r, _ in self._rows]
        rows = self._sorted(rows)
        new_ids = [r.id for r, _ in rows]
        if sorted(new_ids) != sorted(old_ids):
            self.beginResetModel()
            self._set_rows(rows)
            self.endResetModel()
        elif new_ids != old_ids:
            self.layoutAboutToBeChanged.emit()
            self._set_rows(rows)
            self.layoutChanged.emit()
        else:
            # A quote on the same day and the same positions changes only the market columns: only
            # those cells repaint (the description, quantity and expiry make up half the visible ones).
            same_positions = self._today == today and all(
                new[1] is old[1] and _fixed(new[0]) == _fixed(old[0])
                for new, old in zip(rows, self._rows, strict=True))
            self._set_rows(rows)
            if rows and same_positions:
                # Column by column: Qt repaints a range reaching past the viewport's edge in full.
                last_row = len(rows) - 1
                for column in MARKET_COLUMNS:
                    self.dataChanged.emit(self.index(0, column), self.index(last_row, column))
            elif rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))

    def position_at(self, row: int) -> Position | None:
        return self._rows[row][1] if 0 <= row < len(self._rows) else None

    def _set_rows(self, rows: list[tuple]) -> None:
        self._rows = rows
        self._cells.clear()
        self._texts.clear()

    # -- sorting ---------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        self._set_rows(self._sorted(self._rows))
        self.layoutChanged.emit()

    def _sorted(self, rows: list[tuple]) -> list[tuple]:
        column = COLUMNS[self.sort_column]

        def key(row):
            risk, position = row
            return _sort_key(column.value(risk, position, self._today)), risk.id or 0

        return sorted(rows, key=key, reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    # -- Qt model ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tooltip
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Role first: the view asks a dozen roles per cell and most are None.
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == MARK_COLUMN and self.mark_sources:
                source = self.mark_sources.get(self._rows[index.row()][0].id, "model")
                return self._text(index.row(), index.column()) + MARK_TAGS.get(source, "")
            return self._text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == MARK_COLUMN and self.mark_sources:
            source = self.mark_sources.get(self._rows[index.row()][0].id, "model")
            return {"market": "Marked from live market quotes (mid, else last)",
                    "partly market": "Some legs marked from live quotes, the rest by the model",
                    }.get(source, "Marked by the model (no live quote for its legs)")
        if role == SORT_ROLE:
            return _sort_key(self._value(index.row(), index.column()))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if index.column() == WHAT_COLUMN else RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and COLUMNS[index.column()].signed:
            value = self._value(index.row(), index.column())
            if finite(value) and value:
                return GAIN if value > 0 else LOSS
            return None
        if role == POSITION_ID_ROLE:
            return self._rows[index.row()][0].id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == WHAT_COLUMN:
            return self._text(index.row(), index.column())  # the column is narrow: the whole description
        return None

    def _value(self, row: int, column: int):
        key = (row, column)
        if key not in self._cells:
            risk, position = self._rows[row]
            if column == WHAT_COLUMN:
                self._cells[key] = self._describe(risk, position)
            else:
                self._cells[key] = COLUMNS[column].value(risk, position, self._today)
        return self._cells[key]

    def _describe(self, risk, position: Position | None) -> str:
        """Cached: a position's description only changes with the position."""
        if position is None:
            return risk.kind
        known = self._described.get(position.id)
        if known is None or known[0] is not position:
            known = (position, describe(position))
            self._described[position.id] = known
        return known[1]

    def _text(self, row: int, column: int) -> str:
        key = (row, column)
        text = self._texts.get(key)
        if text is None:
            value = self._value(row, column)
            text = expiry_text(value, self._today) if column == EXPIRY_COLUMN else COLUMNS[column].text(value)
            self._texts[key] = text
        return text


def _fixed(risk) -> tuple:
    """What the non-market columns read from a report row: a report made before an edit of the
    book (applied after it) differs here even though the positions are the same objects."""
    return risk.kind, risk.quantity, risk.expiry, risk.max_loss_usd


def _sort_key(value):
    if value is None or (isinstance(value, float) and not finite(value)):
        return float("-inf")
    return value.toordinal() if isinstance(value, date) else value
