import sys

from search.cli_client import main

sys.exit(main())
