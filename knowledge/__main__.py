"""`python -m knowledge ...`: the same as `python -m bot knowledge ...` (an entry
point, so it may reach the composition root: see the import-linter contract)."""

import sys

from bot.cli import main

sys.exit(main(["knowledge", *sys.argv[1:]]))
