"""python -m tradovate_liquidate: the tradovate-liquidate command."""

import sys

from ._cli import main

sys.exit(main())
