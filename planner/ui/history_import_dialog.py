"""File > Import history…: pick files, see what they would store, choose conflicts, import in one undo step."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import PlannerError

if TYPE_CHECKING:
    from planner.app.history_import import ImportPreview

SERIES_COLUMNS = ("File", "Series", "First", "Last", "Rows", "New", "Filled", "Duplicates", "Conflicts", "Skipped")
CONFLICT_COLUMNS = ("Replace", "Series", "Date", "Kept (stored or first file)", "In the file", "Where")
FILE_FILTER = "Daily files (*.csv *.txt);;All files (*)"


def _cell(text: object, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


class HistoryImportDialog(QDialog):
    """The preview is read again whenever the files or the symbol change; Import writes it in one change."""

    imported = Signal(object)  # planner.app.history_import.HistoryImport

    def __init__(self, workspace, parent: QWidget | None = None, paths: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import history")
        self.workspace = workspace
        self.preview: ImportPreview | None = None
        self.files = QListWidget()
        self.files.setObjectName("files")
        self.files.setMaximumHeight(90)
        self.add_button = QPushButton("&Add files…")
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)  # Return imports; it must never open the file chooser again
        self.symbol = QLineEdit()
        self.symbol.setObjectName("symbol")
        self.symbol.setPlaceholderText("from the file name")
        self.symbol.setToolTip("The symbol of OHLC files whose name does not say it (SPX for a provider's export)")
        self.symbol.editingFinished.connect(self.refresh)
        self.series = _table(SERIES_COLUMNS)
        self.series.setObjectName("series")
        self.conflicts = _table(CONFLICT_COLUMNS)
        self.conflicts.setObjectName("conflicts")
        self.conflicts.setToolTip("Tick a row to replace the stored value (or an earlier file's) with this "
                                  "file's; unticked rows keep the stored or earlier file's value")
        self.message = QLabel()
        self.message.setObjectName("importMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("&Import")
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        picker = QHBoxLayout()
        picker.addWidget(self.files, 1)
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        picker.addLayout(side)
        symbol_row = QHBoxLayout()
        caption = QLabel("&Symbol for unnamed OHLC files:")
        caption.setBuddy(self.symbol)
        symbol_row.addWidget(caption)
        symbol_row.addWidget(self.symbol, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Files (Cboe index and VX history, other providers' SPX, settlement values):"))
        layout.addLayout(picker)
        layout.addLayout(symbol_row)
        layout.addWidget(QLabel("What the import would store:"))
        layout.addWidget(self.series, 2)
        self.conflicts_caption = QLabel("Values that differ from stored ones or an earlier file's (ticked rows are "
                                        "replaced):")
        layout.addWidget(self.conflicts_caption)
        layout.addWidget(self.conflicts, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(900, 600)
        self.add_paths(paths)

    # -- files --------------------------------------------------------------------------------
    def paths(self) -> list[str]:
        return [self.files.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.files.count())]

    def add_paths(self, paths) -> None:
        known = set(self.paths())
        for path in paths:
            if str(path) not in known:
                self.files.addItem(Path(path).name)
                self.files.item(self.files.count() - 1).setData(Qt.ItemDataRole.UserRole, str(path))
                self.files.item(self.files.count() - 1).setToolTip(str(path))
        self.refresh()

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import history", "", FILE_FILTER)
        self.add_paths(paths)

    def remove_selected(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self.refresh()

    # -- preview ------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.preview = None
        self.series.setRowCount(0)
        self.conflicts.setRowCount(0)
        paths = self.paths()
        if not paths:
            self._say("Add the files to import.", error=False)
            return
        try:
            preview: ImportPreview = self.workspace.preview_history(paths, self.symbol.text().strip() or None)
        except PlannerError as error:
            self._say(f"Nothing can be imported: {error}", error=True)
            return
        self.preview = preview
        for summary in preview.series:
            row = self.series.rowCount()
            self.series.insertRow(row)
            values = (summary.file, summary.series, summary.first, summary.last, summary.rows, summary.new,
                      summary.filled, summary.duplicates, summary.conflicts, summary.skipped)
            for column, value in enumerate(values):
                self.series.setItem(row, column, _cell(value, align_right=column >= 4))
        for conflict in preview.conflicts:
            row = self.conflicts.rowCount()
            self.conflicts.insertRow(row)
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            tick.setCheckState(Qt.CheckState.Unchecked)
            self.conflicts.setItem(row, 0, tick)
            _, day, series = conflict.key
            for column, value in enumerate((series, day, f"{conflict.stored} ({conflict.kept_from})", conflict.incoming,
                                            f"{conflict.file} line {conflict.line}"), start=1):
                self.conflicts.setItem(row, column, _cell(value))
        self.conflicts_caption.setVisible(bool(preview.conflicts))
        self.conflicts.setVisible(bool(preview.conflicts))
        rows = preview.rows
        note = f"{rows:,} rows in {len(paths)} file{'s' if len(paths) > 1 else ''}; one undo step (Ctrl+Z)."
        if preview.conflicts:
            between = sum(1 for c in preview.conflicts if c.first)
            if len(preview.conflicts) > between:
                note += f" {len(preview.conflicts) - between} stored values differ: unticked ones are kept."
            if between:
                note += f" {between} values differ between the files: unticked ones keep the first file's."
        self._say(note, error=False)

    def _say(self, text: str, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c62828;" if error else "")
        self.import_button.setEnabled(self.preview is not None)

    def replace_keys(self) -> list[tuple[str, str, str]]:
        if self.preview is None:
            return []
        return [conflict.key for row, conflict in enumerate(self.preview.conflicts)
                if (tick := self.conflicts.item(row, 0)) is not None and tick.checkState() == Qt.CheckState.Checked]

    # -- import -------------------------------------------------------------------------------
    def accept(self) -> None:
        if self.preview is None:
            return
        try:
            result = self.workspace.import_history_files(self.paths(), self.symbol.text().strip() or None,
                                                         self.replace_keys())
        except PlannerError as error:  # the file changed since the preview
            self._say(f"Nothing was imported: {error}", error=True)
            return
        self.imported.emit(result)
        super().accept()
