"""Entry point of `python -m adaptlab`."""

import sys

from adaptlab.cli import main

if __name__ == "__main__":
    sys.exit(main())
