"""The portfolio tree: condors with their legs, hedge layers by tier, and the
history of closed, rolled and expired positions with their roll chains.

Rebuilt when the book changes (a handful of items); quotes do not touch it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from planner.app.printable import printable
from planner.app.settlement import describe_log
from planner.app.views import chains
from planner.domain import Book, Leg, Position, PositionKind, Status, Tier
from planner.ui.formatting import KIND_NAMES, describe, et_time, signed_money, strikes_text

POSITION_ID_ROLE = Qt.ItemDataRole.UserRole + 2
TIER_NAMES = {Tier.NEAR: "Near tier", Tier.MID: "Mid tier", Tier.LONG: "Long tier"}


def leg_text(leg: Leg) -> str:
    side = f"{leg.quantity:+,}"
    if leg.strike is None:
        return f"{side} VIX future {leg.expiry.isoformat()}"
    right = "call" if str(leg.right).upper().startswith("C") else "put"
    iv = f", IV {leg.iv * 100:.1f} %" if leg.iv else ""
    return f"{side} {leg.instrument.value.split('-')[0].upper()} {leg.strike:,g} {right}{iv}"


def position_text(position: Position, grouped: bool) -> str:
    """Short: the group above already says condor or tier (``grouped``)."""
    if not grouped:
        return f"#{position.id} {describe(position)}".replace(",", "")
    if position.kind is PositionKind.CONDOR:
        return f"#{position.id} {strikes_text(position).replace(',', '')} {position.legs[0].settlement}"
    kind = KIND_NAMES.get(str(position.layer_kind), str(position.layer_kind))
    strikes = strikes_text(position).replace(",", "")
    return f"#{position.id} {kind}" + (f" {strikes}" if strikes else "")


def position_details(position: Position) -> str:
    price_word = "credit" if position.kind is PositionKind.CONDOR else "paid"
    text = (f"#{position.id} {describe(position)}, {position.quantity:,} contracts, expiry "
            f"{position.expiry.isoformat()}, {price_word} {position.open_price:,.2f} pts, "
            f"opened {et_time(position.opened_at, with_date=True)}")
    if position.rolled_from:
        text += f"; rolled from #{position.rolled_from}"
    if position.split_from:
        text += f"; partial close: {position.quantity:,} contracts of #{position.split_from}, the rest stay open"
    if position.note:
        text += f"\nnote: {printable(position.note)}"
    return text


def plain_tooltip(text: str) -> str:
    """A tooltip shown as the text it is: Qt would render a note holding "<b>" or "<img>" as rich text."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


class PortfolioTree(QTreeWidget):
    position_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("portfolioTree")
        self.setHeaderLabels(["Portfolio", "Qty", "Expiry"])
        self.setColumnCount(3)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, self.header().ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, self.header().ResizeMode.ResizeToContents)
        self.header().setSectionResizeMode(2, self.header().ResizeMode.ResizeToContents)
        self.headerItem().setToolTip(1, "Contracts (condors, spreads or futures)")
        self.headerItem().setToolTip(2, "Expiry date")
        self.setToolTip("Condors with their legs, hedge layers by tier, and closed or rolled history; "
                        "Enter opens the close or roll ticket")
        self.setUniformRowHeights(True)
        self.itemActivated.connect(self._activated)
        self._settlement_logs: dict = {}

    def update_book(self, book: Book, settlement_logs: dict | None = None) -> None:
        """``settlement_logs``: position id -> its settlement records; an expired position shows each
        settlement, re-settlement or reversal under it (what ``planner settlement log ID`` prints)."""
        self._settlement_logs = settlement_logs or {}
        collapsed = {self._key(item) for i in range(self.topLevelItemCount())
                     if (item := self.topLevelItem(i)) is not None and not item.isExpanded()}
        self.clear()
        condors = [p for p in book.open_positions if p.kind is PositionKind.CONDOR]
        group = self._group(f"Condors ({len(condors)} open)", "condors")
        for condor in condors:
            self._position(group, condor)
        layers = [p for p in book.open_positions if p.kind is PositionKind.LAYER]
        hedges = self._group(f"Hedge layers ({len(layers)} open)", "layers")
        for tier in Tier:
            members = [p for p in layers if p.tier is tier]
            tier_item = QTreeWidgetItem(hedges, [f"{TIER_NAMES[tier]} ({len(members)})"])
            if not members:
                QTreeWidgetItem(tier_item, ["none open"])
            for layer in members:
                self._position(tier_item, layer)
            tier_item.setExpanded(True)
        self._history(book)
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is not None:  # never, below topLevelItemCount()
                item.setExpanded(self._key(item) not in collapsed)

    def _history(self, book: Book) -> None:
        done = [p for p in book.positions if p.status is not Status.OPEN]
        history = self._group(f"History ({len(done)})", "history")
        history.setToolTip(0, "Closed, rolled and expired positions, with roll chains")
        all_chains = chains(book)
        shown: set[int] = set()
        # Roll chains first: each chain ends in its newest member (open or not).
        chain_ends = [p for p in book.positions if len(all_chains[p.saved_id].ids) > 1
                      and not any(q.rolled_from == p.id for q in book.positions)]
        for end in chain_ends:
            chain = all_chains[end.saved_id]
            arrow = " → ".join(f"#{i}" for i in chain.ids)
            item = QTreeWidgetItem(history, [f"Rolls {arrow}: {signed_money(chain.realized_pnl)}"])
            for column in range(3):
                item.setToolTip(column, f"Roll chain {arrow}: each layer was closed and replaced by the next in "
                                        f"one roll; realized {signed_money(chain.realized_pnl)} after fees so far")
            for member_id in chain.ids:
                member = book.get(member_id)
                if member is not None:
                    self._position(item, member, with_legs=False)
                    shown.add(member_id)
        for position in done:
            if position.id not in shown:
                self._position(history, position, with_legs=False)

    def _group(self, title: str, key: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [title])
        item.setData(0, Qt.ItemDataRole.UserRole, key)
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        return item

    @staticmethod
    def _key(item: QTreeWidgetItem) -> str:
        return str(item.data(0, Qt.ItemDataRole.UserRole))

    def _position(self, parent: QTreeWidgetItem, position: Position, with_legs: bool = True) -> QTreeWidgetItem:
        text = position_text(position, grouped=with_legs)
        details = position_details(position)
        if position.status is not Status.OPEN:
            realized = position.realized_pnl()
            closed = et_time(position.closed_at, with_date=True)[:10] if position.closed_at else "—"
            text += " partial close" if position.split_from else f" {position.status}"
            details += f"\n{position.status} {closed}, realized {signed_money(realized)} after fees"
        settled = describe_log(self._settlement_logs.get(position.id, ()))
        if settled:
            details += "\n" + "\n".join(settled)
            if position.settled_estimated:
                details += "\nSettled on an estimate: settles again when a better value is imported or typed"
        item = QTreeWidgetItem(parent, [text, f"×{position.quantity:,}", position.expiry.strftime("%Y-%m-%d")])
        item.setData(0, POSITION_ID_ROLE, position.id)
        for column in range(3):
            item.setToolTip(column, plain_tooltip(details))
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if with_legs:
            for leg in position.legs:
                QTreeWidgetItem(item, [leg_text(leg)])
        for line in settled:
            child = QTreeWidgetItem(item, [line])
            child.setToolTip(0, line)
        return item

    def selected_position_id(self) -> int | None:
        item = self.currentItem()
        while item is not None:
            value = item.data(0, POSITION_ID_ROLE)
            if value is not None:
                return int(value)
            item = item.parent()
        return None

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        value = item.data(0, POSITION_ID_ROLE)
        if value is not None:
            self.position_activated.emit(int(value))
