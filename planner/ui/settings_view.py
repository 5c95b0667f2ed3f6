"""The settings tab: every tunable number of the method, with its default, unit and meaning.

One row per setting (``planner.domain.settings.SPECS``), grouped as a
trader thinks of them: account and risk cap, the tier ladder, the rules'
thresholds, the VIX response to SPX and futures damping, the skew. Each field is
checked as it is typed, like a ticket: a bad value is outlined with the
reason, Save stays disabled and nothing is written. Values that must agree
with each other (tier shares, thresholds in order...) are checked together.
Beside the settings: the event calendar and the user signals
(``calendar_editors``).

Volatilities are decimals in storage and percent on screen (DOMAIN.md,
"Units"): a setting whose unit is ``decimal`` is shown and typed in percent.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.domain.errors import InputError, PlannerError
from planner.domain.settings import SPECS, SettingSpec, parse_setting
from planner.domain.settings_rules import ACCOUNT_KEYS, conflicts
from planner.ui.calendar_editors import MARKED_STYLE, EventEditor, SignalEditor, Subscription

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Account and risk cap", ("equity", "risk_cap_pct", "high_roe", "high_roe_cap_pct")),
    ("Tier ladder (4/4/2)", ("near_share_pct", "mid_share_pct", "long_share_pct", "near_vix_threshold",
                             "mid_vix_threshold", "long_vix_threshold", "near_min_days", "mid_target_days",
                             "long_min_days", "near_strike_otm_pct", "mid_strike_otm_pct", "long_strike_otm_pct",
                             "backstop_upper_otm_pct", "backstop_lower_otm_pct")),
    ("Rule thresholds", ("coverage_low_pct", "coverage_target_pct", "coverage_high_pct", "breakeven_move_ratio",
                         "delta_decay_min", "expiry_roll_days", "carry_value_pct", "carry_days", "spike_pct",
                         "spike_window_days", "condor_take_profit_pct", "event_window_days", "trend_sma_days")),
    ("VIX response to SPX and futures damping", ("vix_response_slope", "vix_response_ref_vix",
                                                 "vix_response_level_exponent", "vix_response_saturation",
                                                 "vix_response_horizon_exponent", "vix_response_up_fraction",
                                                 "vix_band_width", "vix_band_floor", "vix_band_quantile_pct",
                                                 "risk_horizon_sessions", "vix_floor", "vix_cap",
                                                 "futures_damping_k", "term_mean_vix", "spx_iv_per_vix_point")),
    ("Skew and default vols for legs without an IV", ("skew_put_slope", "skew_call_slope",
                                                       "vix_option_default_vol")),
    ("VIX option vol surface, VX curve and spreads (docs/model.md)", (
        "vix_option_atm_vvix_ratio", "vix_option_term_exponent", "vix_option_min_tenor_days", "vix_option_skew",
        "vix_option_smile_curvature", "vvix_from_vix", "vvix_ref", "vvix_ref_vix", "vvix_vix_elasticity",
        "vx_curve_mean_vix", "vx_curve_reversion_calm", "vx_curve_reversion_spike", "spread_vix_elasticity",
        "spread_ref_vix")),
)
WORDS = {"vix": "VIX", "spx": "SPX", "otm": "OTM", "roe": "ROE", "iv": "IV", "sma": "SMA", "k": "k",
         "vvix": "VVIX", "vx": "VX", "atm": "ATM", "rsi": "RSI", "macd": "MACD", "pts": "(points)"}
SHOWN_IN_PERCENT = {"decimal"}  # units stored as decimals and shown as percent
COLUMNS = ("Setting", "Value", "Unit", "Default", "What it does")


def setting_name(key: str) -> str:
    """'near_vix_threshold' -> 'Near VIX threshold'; '_pct' is said by the unit column."""
    words = [WORDS.get(w, w) for w in key.removesuffix("_pct").split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


# Keys with an underscore only: "equity" in a sentence is the word, not the setting.
KEY_PATTERN = re.compile(r"\b(" + "|".join(sorted((s.key for s in SPECS if "_" in s.key), key=len, reverse=True))
                         + r")\b")


def plain_description(text: str) -> str:
    """A description as a trader reads it: another setting's key becomes its name (the key is in the tooltip).

    >>> plain_description("Add/roll only while RSI of VIX >= gate_rsi_rising_min")
    'Add/roll only while RSI of VIX >= Gate RSI rising min'
    """
    return KEY_PATTERN.sub(lambda match: setting_name(match.group(1)), text)


def grouped_specs() -> list[tuple[str, list[SettingSpec]]]:
    by_key = {s.key: s for s in SPECS}
    groups = [(title, [by_key[k] for k in keys if k in by_key]) for title, keys in GROUPS]
    listed = {k for _, keys in GROUPS for k in keys}
    others = [s for s in SPECS if s.key not in listed]  # settings added later still show
    if others:
        groups.append(("Other", others))
    return groups


def shown_unit(spec: SettingSpec) -> str:
    return "% (vol)" if spec.unit in SHOWN_IN_PERCENT else spec.unit


def shown_value(spec: SettingSpec, value: float) -> str:  # a bool or an int is one too
    if isinstance(value, bool):
        return "on" if value else "off"
    if spec.unit in SHOWN_IN_PERCENT:
        value = float(value) * 100.0
    number = float(value)
    if spec.kind is int or (number.is_integer() and abs(number) < 1e15):
        return f"{int(number)}"
    return f"{number:.6g}"


def readable(text: str) -> str:
    """Thousands separators for a plain number's text: '100000' -> '100,000'."""
    try:
        number = float(text)
    except ValueError:
        return text
    return f"{number:,.6g}" if abs(number) < 1e6 and "e" not in text else f"{number:,.0f}"


def stored_value(spec: SettingSpec, text: str) -> object:
    """What the typed text stores, validated (``InputError`` names what is wrong, in the shown unit)."""
    text = text.replace(",", "").replace("_", "") if spec.kind is not bool else text
    if spec.unit in SHOWN_IN_PERCENT:
        try:
            number = float(text)
        except ValueError:
            raise InputError(spec.key, "must be a number (percent)", text) from None
        try:
            return parse_setting(spec.key, number / 100.0)
        except InputError:
            low = f"{spec.minimum * 100:g}" if spec.minimum is not None else "-∞"
            high = f"{spec.maximum * 100:g}" if spec.maximum is not None else "∞"
            raise InputError(spec.key, f"must be between {low} and {high} %", text) from None
    return parse_setting(spec.key, text)


def consistency(values: dict[str, object]) -> dict[str, str]:
    """{key: reason} where settings disagree with each other (each one alone is fine)."""
    return conflicts(values)


class SettingRow:
    """The widgets of one setting."""

    def __init__(self, spec: SettingSpec, on_change: Callable[[], None]) -> None:
        self.spec = spec
        self.tooltip = (f"{spec.description}. Setting '{spec.key}', unit {shown_unit(spec)}, default "
                        f"{shown_value(spec, spec.default)}")
        self.name = QLabel(setting_name(spec.key))
        self.name.setToolTip(self.tooltip)
        self.editor: QCheckBox | QLineEdit
        if spec.kind is bool:
            self.editor = QCheckBox("on")
            self.editor.toggled.connect(on_change)
        else:
            self.editor = QLineEdit()
            self.editor.setFixedWidth(96)
            self.editor.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.editor.textChanged.connect(on_change)
        self.editor.setObjectName(f"setting_{spec.key}")
        self.editor.setToolTip(self.tooltip)
        self.name.setBuddy(self.editor)
        self.unit = QLabel(shown_unit(spec))
        self.unit.setToolTip(f"Unit of {setting_name(spec.key)}")
        self.default = QLabel(readable(shown_value(spec, spec.default)))
        self.default.setToolTip("The hedge method's default (DOMAIN.md)")
        self.default.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.description = QLabel(plain_description(spec.description))
        self.description.setWordWrap(True)
        self.description.setToolTip(self.tooltip)
        self.saved_text = ""

    def text(self) -> str:
        if isinstance(self.editor, QCheckBox):
            return "on" if self.editor.isChecked() else "off"
        return self.editor.text().strip()

    def set_text(self, text: str) -> None:
        if isinstance(self.editor, QCheckBox):
            self.editor.setChecked(text == "on")
        else:
            self.editor.setText(text)

    def load(self, value: float) -> None:
        self.saved_text = readable(shown_value(self.spec, value))
        self.set_text(self.saved_text)

    @property
    def dirty(self) -> bool:
        return self.text() != self.saved_text

    def mark(self, reason: str | None) -> None:
        self.editor.setProperty("invalid", bool(reason))
        self.editor.setStyleSheet(MARKED_STYLE if reason else "")
        self.editor.setToolTip(f"{reason}\n\n{self.tooltip}" if reason else self.tooltip)


class SettingsView(QWidget):
    saved = Signal(list)  # keys written

    def __init__(self, workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsView")
        self.ws = workspace
        self.rows: dict[str, SettingRow] = {}
        self.errors: dict[str, str] = {}
        self._loading = False

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        for column, title in enumerate(COLUMNS):
            heading = QLabel(f"<b>{title}</b>")
            heading.setToolTip({0: "The setting (hover for its key)", 1: "Your value; edit and Save",
                                2: "The unit the value is in", 3: "The method's default",
                                4: "What the setting changes"}[column])
            grid.addWidget(heading, 0, column)
        line = 1
        for title, specs in grouped_specs():
            caption = QLabel(f"<b>{title}</b>")
            caption.setObjectName("settingsGroup")
            caption.setContentsMargins(0, 8, 0, 2)
            grid.addWidget(caption, line, 0, 1, len(COLUMNS))
            line += 1
            for spec in specs:
                row = SettingRow(spec, self._changed)
                self.rows[spec.key] = row
                for column, widget in enumerate((row.name, row.editor, row.unit, row.default, row.description)):
                    grid.addWidget(widget, line, column)
                line += 1
        grid.setColumnStretch(4, 1)
        grid.setRowStretch(line, 1)
        body = QWidget()
        body.setLayout(grid)
        # Not self.scroll: that would hide QWidget.scroll(), which Qt and callers may use.
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("settingsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # descriptions wrap
        self.scroll_area.setWidget(body)

        self.message = QLabel("")
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.status = QLabel("")
        self.status.setObjectName("settingsStatus")
        self.save_button = QPushButton("&Save settings")
        self.save_button.setToolTip("Write the changed settings (each can be undone with Ctrl+Z)")
        self.revert_button = QPushButton("&Revert")
        self.revert_button.setToolTip("Throw away the edits: back to the stored values")
        self.defaults_button = QPushButton("Method &defaults")
        self.defaults_button.setToolTip("Type every default of the method in, not the account's equity or risk cap "
                                        "(nothing is written until you Save)")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.reload)
        self.defaults_button.clicked.connect(self.fill_defaults)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.defaults_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        settings_page = QWidget()
        settings_layout = QVBoxLayout(settings_page)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel("<b>Settings</b>: every number of the hedge method. Percent settings are in percent "
                       "(1.5 means 1.5 %); the high-ROE switch moves the risk cap to its higher value.")
        intro.setWordWrap(True)
        settings_layout.addWidget(intro)
        settings_layout.addWidget(self.scroll_area, 1)
        settings_layout.addWidget(self.message)
        settings_layout.addLayout(buttons)

        self.events = EventEditor(workspace)
        self.signals = SignalEditor(workspace)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.events)
        side.addWidget(self.signals)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("settingsSplitter")
        self.split.addWidget(settings_page)
        self.split.addWidget(side)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 0)
        self.split.setSizes([720, 310])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.split)
        self.subscription = Subscription(self, workspace, self._workspace_changed)
        self.reload()

    # -- narrow update methods ---------------------------------------------------------------
    def set_workspace(self, workspace) -> None:
        """Show another book's settings, calendar and signals (File ▸ Open)."""
        self.ws = workspace
        self.subscription.move(workspace)
        self.events.set_workspace(workspace)
        self.signals.set_workspace(workspace)
        self.reload()

    def reload(self) -> None:
        """Every field back to the stored value."""
        self.update_settings(self.ws.settings(), keep_edits=False)

    def update_settings(self, settings, keep_edits: bool = True) -> None:
        """Stored values into the fields; with ``keep_edits`` a field being edited keeps its text."""
        current = settings.as_dict()
        self._loading = True
        for key, row in self.rows.items():
            if key in current and not (keep_edits and row.dirty):
                row.load(current[key])
            elif key in current:
                row.saved_text = readable(shown_value(row.spec, current[key]))
        self._loading = False
        self._changed()

    def fill_defaults(self) -> None:
        """The method's defaults; the account's equity and risk cap are the trader's and stay."""
        for key, row in self.rows.items():
            if key not in ACCOUNT_KEYS:
                row.set_text(readable(shown_value(row.spec, row.spec.default)))

    # -- validation and saving ------------------------------------------------------------------
    def values(self) -> tuple[dict[str, object], dict[str, str]]:
        """(stored value of every field that parses, {key: reason} for those that do not)."""
        values, errors = {}, {}
        for key, row in self.rows.items():
            try:
                values[key] = stored_value(row.spec, row.text())
            except InputError as error:
                errors[key] = str(error)
        for key, reason in consistency(values).items():
            errors.setdefault(key, reason)
        return values, errors

    def dirty_keys(self) -> list[str]:
        return [key for key, row in self.rows.items() if row.dirty]

    def _changed(self, *_: object) -> None:
        if self._loading:
            return
        self.errors = self.values()[1]
        for key, row in self.rows.items():
            row.mark(self.errors.get(key))
        dirty = self.dirty_keys()
        self.message.setText("\n".join(f"{setting_name(k)}: {why}" for k, why in self.errors.items()))
        self.save_button.setEnabled(bool(dirty) and not self.errors)
        self.revert_button.setEnabled(bool(dirty))
        if dirty:
            self.status.setText(f"{len(dirty)} unsaved change{'s' if len(dirty) != 1 else ''}")

    def save(self) -> list[str]:
        values, errors = self.values()
        dirty = self.dirty_keys()
        if errors or not dirty:
            return []
        written = []
        try:
            # One change: settings that must agree (three tier shares) are checked and written together.
            self.ws.set_settings({key: values[key] for key in dirty})
            written = list(dirty)
        except PlannerError as error:
            self.message.setText(f"Not all settings saved: {error}")
        self.reload()
        self.status.setText(f"Saved {len(written)} setting{'s' if len(written) != 1 else ''}: "
                            f"{', '.join(setting_name(k) for k in written)}")
        self.saved.emit(written)
        return written

    def _workspace_changed(self, changed) -> None:
        if changed.external or "settings" in changed.topics:
            self.update_settings(self.ws.settings())
