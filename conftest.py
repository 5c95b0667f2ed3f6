"""Collection rules for the doctest run over planner/ (pytest's --doctest-modules)."""
