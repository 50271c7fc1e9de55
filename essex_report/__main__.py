import sys

from essex_report.cli import main

sys.exit(main())
