import sys

from statcheck.cli import main

sys.exit(main())
