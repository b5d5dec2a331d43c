"""`python -m console`: the same entry point as the installed `rwc` script."""

import sys

from console.cli import main

if __name__ == "__main__":
    sys.exit(main())
