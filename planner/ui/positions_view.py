"""The positions table with a totals line under it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from planner.domain import Book
from planner.ui.elided_label import ElidedLabel
from planner.ui.formatting import money, signed_money
from planner.ui.positions_model import COLUMN_INDEX, POSITION_ID_ROLE, PositionsModel

HEADER_PADDING_PX = 14  # the header's margins around its text
WHAT_WIDTH_PX = 170  # the description is cut (its tooltip has it whole) so the Greeks fit at 1400 px


class PositionsView(QWidget):
    position_activated = Signal(int)  # Enter or double-click on a row: the position id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PositionsModel(self)
        self.table = QTableView()
        self.table.setObjectName("positionsTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COLUMN_INDEX["id"], Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)  # a cut description ends in "…" on one line, not after its first word
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setToolTip("Open positions; click a header to sort, Enter opens the close or roll ticket")
        self.table.activated.connect(self._activated)
        self.totals = ElidedLabel("—")
        self.totals.setObjectName("positionsTotals")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        self._sized = False

    def update_report(self, report, book: Book) -> None:
        self.model.update_report(report, book)
        if report is None:
            self.totals.setText("No market yet: enter SPX and VIX (Trade ▸ Market, Ctrl+M) to value the book.")
            return
        book_totals = report.totals["book"]
        greeks = book_totals.greeks
        self.totals.setText(
            f"Book: P&L {signed_money(book_totals.pnl_usd)} · day {signed_money(book_totals.day_pnl_usd)} · "
            f"Δ {money(greeks.delta_spx_equiv_usd)}/SPX pt (VIX moved with SPX) · "
            f"vega {money(greeks.vega_usd)}/vol pt · Θ {money(greeks.theta_usd)}/day · "
            f"protection {money(report.hedge_protection_usd)}/VIX pt"
        )
        if not self._sized and report.positions:
            self._fit_columns()
            self._sized = True

    def _fit_columns(self) -> None:
        """Each column as wide as its figures or its header's longest line, whichever is wider, without
        the room Qt's own fit keeps for a sort arrow in every header: that room alone pushed the Greeks
        and max loss out of sight at 1400 px."""
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        for column in range(self.model.columnCount()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            title_width = max(metrics.horizontalAdvance(line) for line in title.split("\n")) + HEADER_PADDING_PX
            width = max(self.table.sizeHintForColumn(column), title_width)
            if column == COLUMN_INDEX["what"]:
                width = min(width, WHAT_WIDTH_PX)
            self.table.setColumnWidth(column, width)

    def selected_position_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(POSITION_ID_ROLE) if rows else None

    def _activated(self, index) -> None:
        position_id = index.data(POSITION_ID_ROLE)
        if position_id is not None:
            self.position_activated.emit(int(position_id))
