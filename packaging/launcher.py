"""The bundle's entry point: the same ``planner.main:main`` as the ``planner`` command."""

import sys

from planner.main import main

if __name__ == "__main__":
    sys.exit(main())
