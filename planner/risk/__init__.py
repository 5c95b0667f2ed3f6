"""Risk of the book: values, Greeks, curves, scenario matrix, coverage, stress.

Pure numpy over ``planner.pricing``; no Qt, no storage.
"""

from planner.risk.engine import analyze, matrix_axes
from planner.risk.report import RiskReport

__all__ = ["RiskReport", "analyze", "matrix_axes"]
