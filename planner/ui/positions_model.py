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


def _pts(value: float | None) -> str:
    return f"{value:,.2f}" if finite(value) else "—"


def _pct(value: float | None) -> str:
    return percent(value, 1) if finite(value) else "—"


COLUMNS: tuple[Column, ...] = (
    Column("id", "#", "Position number", lambda r, p, t: r.id, lambda v: str(v)),
    Column("what", "Position", "Condor strikes and settlement, or the layer's tier, kind and strikes",
           lambda r, p, t: describe(p) if p else r.kind, str),
    Column("qty", "Qty\n(contracts)", "Packages held: condors or spreads", lambda r, p, t: r.quantity,
           lambda v: f"{v:,}"),
    Column("expiry", "Expiry\n(days left)", "Expiry date and calendar days left",
           lambda r, p, t: r.expiry, lambda v: v),
    Column("mark", "Mark\n(pts)", "Price per package now, points (a condor's cost to close)",
           lambda r, p, t: r.mark, _pts),
    Column("pnl", "P&L\n($)", "Profit or loss since opening, dollars, net of fees",
           lambda r, p, t: r.pnl_usd, signed_money, signed=True),
    Column("day_pnl", "Day P&L\n($)", "Change since the previous stored quote, dollars",
           lambda r, p, t: r.day_pnl_usd, signed_money, signed=True),
    Column("delta_spx", "Δ SPX\n($/SPX pt)", "Dollars gained per 1-point SPX rise (SPX legs)",
           lambda r, p, t: r.greeks.delta_spx_usd, money),
    Column("delta_vix", "Δ VIX\n($/VIX pt)", "Dollars gained per 1-point rise of each leg's VIX future",
           lambda r, p, t: r.greeks.delta_vix_usd, money),
    Column("gamma", "Γ\n($Δ/pt)", "Change of the dollar delta per 1-point move of the underlying",
           lambda r, p, t: r.greeks.gamma_usd, lambda v: money(v, 2)),
    Column("vega", "Vega\n($/vol pt)", "Dollars per 1 volatility point (0.01) of implied vol",
           lambda r, p, t: r.greeks.vega_usd, money),
    Column("theta", "Θ\n($/day)", "Dollars per calendar day of time decay",
           lambda r, p, t: r.greeks.theta_usd, money),
    Column("protection", "Protection\n($/VIX pt)", "Hedge gain per 1-point rise of spot VIX",
           lambda r, p, t: r.greeks.protection_usd, money),
    Column("max_loss", "Max loss\n($)", "Largest possible loss: a condor's widest wing less its credit, "
           "a layer's debit",
           lambda r, p, t: r.max_loss_usd, money),
    Column("coverage", "Coverage\n(%)", "Hedge protection on this condor over its volatility exposure",
           lambda r, p, t: r.coverage_pct, _pct),
    Column("risk_used", "Risk used\n(% equity)", "Worst scenario loss of the condor with its hedges, % of equity",
           lambda r, p, t: r.risk_used_pct, _pct),
)
COLUMN_INDEX = {column.key: i for i, column in enumerate(COLUMNS)}


class PositionsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple] = []  # (PositionRisk, Position | None)
        self._today = date.today()

    # -- narrow update -------------------------------------------------------------
    def update_report(self, report, book: Book) -> None:
        positions = {p.id: p for p in book.positions}
        rows = [] if report is None else [(r, positions.get(r.id)) for r in report.positions]
        if report is not None:
            self._today = report.asof.date()
        same_rows = [r.id for r, _ in rows] == [r.id for r, _ in self._rows]
        if same_rows:
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def position_at(self, row: int) -> Position | None:
        return self._rows[row][1] if 0 <= row < len(self._rows) else None

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
        if not index.isValid():
            return None
        risk, position = self._rows[index.row()]
        column = COLUMNS[index.column()]
        value = column.value(risk, position, self._today)
        if role == Qt.ItemDataRole.DisplayRole:
            if column.key == "expiry":
                return expiry_text(value, self._today)
            return column.text(value)
        if role == SORT_ROLE:
            if value is None or (isinstance(value, float) and not finite(value)):
                return float("-inf")
            return value.toordinal() if isinstance(value, date) else value
        if role == POSITION_ID_ROLE:
            return risk.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.key == "what":
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.signed and finite(value) and value:
            return GAIN if value > 0 else LOSS
        return None
