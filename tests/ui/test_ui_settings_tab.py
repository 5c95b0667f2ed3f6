"""The settings tab: every setting with default, unit and meaning; validation like the tickets; calendar and signals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit

from planner.app import Workspace
from planner.domain.records import EventKind
from planner.domain.settings import SPECS
from planner.ui.formatting import ET
from planner.ui.settings_view import SettingsView, plain_description, setting_name


@pytest.fixture
def workspace(demo_db):
    ws = Workspace.open(demo_db)
    yield ws
    ws.close()


@pytest.fixture
def settings_tab(shown, workspace):
    return shown(SettingsView(workspace), (1100, 800))


def retype(qtbot, widget: QLineEdit, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def test_every_setting_shows_value_default_unit_and_explanation(settings_tab, workspace):
    rows = {row["key"]: row for row in workspace.setting_rows()}
    assert set(settings_tab.rows) == set(rows) == {s.key for s in SPECS}
    for key, row in settings_tab.rows.items():
        assert row.description.text() == plain_description(rows[key]["description"])
        assert row.unit.text()
        assert row.default.text()
        assert row.editor.toolTip() and row.name.toolTip()
    assert settings_tab.rows["equity"].editor.text() == f"{workspace.settings().equity:,.0f}"
    assert settings_tab.rows["risk_cap_pct"].unit.text() == "% of equity"
    assert settings_tab.rows["near_vix_threshold"].default.text() == "18"
    vol = settings_tab.rows["vix_option_default_vol"]  # a decimal vol, shown in percent
    assert (vol.editor.text(), vol.unit.text(), vol.default.text()) == ("90", "% (vol)", "90")
    assert setting_name("near_vix_threshold") == "Near VIX threshold"
    assert not settings_tab.save_button.isEnabled()  # nothing changed yet


def test_a_bad_value_is_marked_save_disabled_nothing_written(qtbot, settings_tab, workspace):
    journal_before = len(workspace.journal())
    editor = settings_tab.rows["risk_cap_pct"].editor
    retype(qtbot, editor, "abc")
    assert editor.property("invalid") is True
    assert "must be a number (% of equity)" in editor.toolTip()
    assert "Risk cap" in settings_tab.message.text()
    assert not settings_tab.save_button.isEnabled()
    retype(qtbot, editor, "250")
    assert "at most 100" in settings_tab.errors["risk_cap_pct"] and not settings_tab.save_button.isEnabled()
    qtbot.keyClick(settings_tab, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # the mnemonic does nothing either
    assert workspace.settings().risk_cap_pct == 1.5
    assert len(workspace.journal()) == journal_before


def test_settings_that_must_agree_are_checked_together(qtbot, settings_tab):
    retype(qtbot, settings_tab.rows["near_share_pct"].editor, "50")
    for tier in ("near", "mid", "long"):
        assert settings_tab.rows[f"{tier}_share_pct"].editor.property("invalid") is True
    assert "add up to 100 % (now 110 %)" in settings_tab.message.text()
    retype(qtbot, settings_tab.rows["mid_share_pct"].editor, "30")
    assert not settings_tab.errors and settings_tab.save_button.isEnabled()
    retype(qtbot, settings_tab.rows["mid_vix_threshold"].editor, "30")
    assert "rise from near to mid to long" in settings_tab.errors["mid_vix_threshold"]


def test_a_good_value_is_saved_through_the_workspace(qtbot, settings_tab, workspace):
    retype(qtbot, settings_tab.rows["near_vix_threshold"].editor, "19")
    retype(qtbot, settings_tab.rows["vix_option_default_vol"].editor, "80")
    settings_tab.rows["high_roe"].editor.setChecked(True)
    assert settings_tab.status.text() == "3 unsaved changes"
    qtbot.mouseClick(settings_tab.save_button, Qt.MouseButton.LeftButton)
    stored = workspace.settings()
    assert (stored.near_vix_threshold, stored.vix_option_default_vol, stored.high_roe) == (19.0, 0.8, True)
    assert stored.risk_cap_in_force_pct == stored.high_roe_cap_pct
    assert settings_tab.status.text().startswith("Saved 3 settings")
    assert not settings_tab.save_button.isEnabled()


def test_defaults_and_revert_write_nothing_until_save(qtbot, settings_tab, workspace):
    workspace.set_setting("spike_pct", 45)
    assert settings_tab.rows["spike_pct"].editor.text() == "45"  # the tab follows the store
    qtbot.mouseClick(settings_tab.defaults_button, Qt.MouseButton.LeftButton)
    assert settings_tab.rows["spike_pct"].editor.text() == "30"
    assert workspace.settings().spike_pct == 45
    qtbot.mouseClick(settings_tab.revert_button, Qt.MouseButton.LeftButton)
    assert settings_tab.rows["spike_pct"].editor.text() == "45"


def test_event_calendar_editor(qtbot, settings_tab, workspace):
    editor = settings_tab.events
    assert editor.table.rowCount() == len(workspace.events())
    today = workspace.now().astimezone(ET).date()
    past = today - timedelta(days=3)
    editor.date.setDate(QDate(past.year, past.month, past.day))
    assert editor.date.property("invalid") is True and not editor.add_button.isEnabled()
    day = today + timedelta(days=12)
    editor.date.setDate(QDate(day.year, day.month, day.day))
    editor.kind.setCurrentIndex(editor.kind.findData(EventKind.CUSTOM))
    assert "label is required" in editor.message.text() and not editor.add_button.isEnabled()
    qtbot.keyClicks(editor.label, "Jackson Hole")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    stored = [e for e in workspace.events() if e.label == "Jackson Hole"]
    assert len(stored) == 1 and stored[0].date == day and stored[0].kind is EventKind.CUSTOM
    assert any(editor.table.item(r, 2).text() == "Jackson Hole" for r in range(editor.table.rowCount()))
    row = next(r for r in range(editor.table.rowCount()) if editor.table.item(r, 2).text() == "Jackson Hole")
    editor.table.selectRow(row)
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert not [e for e in workspace.events() if e.label == "Jackson Hole"]
    workspace.undo()
    assert [e.label for e in workspace.events() if e.label == "Jackson Hole"] == ["Jackson Hole"]


def test_signal_editor(qtbot, settings_tab, workspace):
    editor = settings_tab.signals
    assert not editor.set_button.isEnabled() and not editor.name.property("invalid")  # a blank form is not wrong
    qtbot.keyClicks(editor.name, "Macro Stress")
    assert editor.name.property("invalid") is True
    editor.name.clear()
    qtbot.keyClicks(editor.name, "macro_stress")
    qtbot.keyClicks(editor.value, "x")
    assert editor.value.property("invalid") is True and not editor.set_button.isEnabled()
    editor.value.clear()
    qtbot.keyClicks(editor.value, "1")
    qtbot.keyClicks(editor.note, "credit spreads widening")
    qtbot.mouseClick(editor.set_button, Qt.MouseButton.LeftButton)
    signal = next(s for s in workspace.signals() if s.name == "macro_stress")
    assert (signal.value, signal.note) == (1.0, "credit spreads widening")
    assert editor.table.item(0, 1).text() == "1 (on)"
    editor.table.selectRow(0)
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert not workspace.signals()


def test_every_control_has_a_tooltip(settings_tab):
    for widget in [*settings_tab.findChildren(QAbstractButton), *settings_tab.findChildren(QLineEdit)]:
        if widget.isVisibleTo(settings_tab) and widget.objectName() != "qt_spinbox_lineedit":
            assert widget.toolTip(), widget.objectName() or widget.text()
    for widget in (settings_tab.events.table, settings_tab.signals.table, settings_tab.events.date,
                   settings_tab.events.kind):
        assert widget.toolTip()


def test_method_defaults_leave_the_account_figures_alone(qtbot, settings_tab, workspace):
    workspace.set_settings({"equity": 3_000_000, "risk_cap_pct": 2.5, "spike_pct": 45})
    qtbot.mouseClick(settings_tab.defaults_button, Qt.MouseButton.LeftButton)
    assert settings_tab.rows["spike_pct"].editor.text() == "30"
    assert settings_tab.rows["equity"].editor.text() == "3,000,000"
    assert settings_tab.rows["risk_cap_pct"].editor.text() == "2.5"
    qtbot.mouseClick(settings_tab.save_button, Qt.MouseButton.LeftButton)
    stored = workspace.settings()
    assert (stored.equity, stored.risk_cap_pct, stored.spike_pct) == (3_000_000, 2.5, 30)


def test_descriptions_name_settings_not_keys(settings_tab):
    row = settings_tab.rows["gate_rsi_adds"]
    assert "gate_rsi_rising_min" not in row.description.text()
    assert "Gate RSI rising min" in row.description.text()
    assert "'gate_rsi_adds'" in row.description.toolTip()  # the key, for the command line


def test_three_shares_saved_together(qtbot, settings_tab, workspace):
    retype(qtbot, settings_tab.rows["near_share_pct"].editor, "50")
    retype(qtbot, settings_tab.rows["mid_share_pct"].editor, "30")
    qtbot.mouseClick(settings_tab.save_button, Qt.MouseButton.LeftButton)
    assert (workspace.settings().near_share_pct, workspace.settings().mid_share_pct) == (50, 30)
