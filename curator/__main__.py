import sys

from curator.cli import process_main

sys.exit(process_main())
