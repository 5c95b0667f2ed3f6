"""The hedge method as rules: indicators, proposals, sizing and the ten rules of DOMAIN.md.

``suggest(book, market, settings, ...)`` runs them all and returns the
suggestions a trader can act on; each rule is a pure function of a context.
"""

from planner.rules.engine import SuggestionResult, suggest
from planner.rules.gates import RuleOptions, options_from_settings

__all__ = ["RuleOptions", "SuggestionResult", "options_from_settings", "suggest"]
