import sys

from mdlite.cli import main

sys.exit(main())
