"""``python -m statcheck.gx``: Great Expectations Data Docs for every suite and drop."""

import sys

from statcheck.gx.build import main

sys.exit(main())
