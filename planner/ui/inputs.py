"""Number editors that cannot hold a bad value, each with its unit and range."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox


def number_box(
    minimum: float,
    maximum: float,
    value: float,
    decimals: int = 2,
    step: float = 1.0,
    suffix: str = "",
    tooltip: str = "",
    prefix: str = "",
) -> QDoubleSpinBox:
    """A spin box whose range is the validation: Qt rejects keystrokes outside it.

    The tooltip states the allowed range with the unit, so a rejected keystroke
    is never a mystery.
    """
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setValue(value)
    box.setGroupSeparatorShown(True)
    box.setAccelerated(True)
    if suffix:
        box.setSuffix(f" {suffix}")
    if prefix:
        box.setPrefix(prefix)
    unit = f" {suffix}" if suffix else ""
    range_text = f"allowed {minimum:,.{decimals}f} to {maximum:,.{decimals}f}{unit}"
    box.setToolTip(f"{tooltip} ({range_text})" if tooltip else range_text)
    return box


def count_box(minimum: int, maximum: int, value: int, suffix: str = "", tooltip: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setValue(value)
    box.setGroupSeparatorShown(True)
    if suffix:
        box.setSuffix(f" {suffix}")
    box.setToolTip(f"{tooltip} (allowed {minimum:,} to {maximum:,})")
    return box
