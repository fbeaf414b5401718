import sys

from fcbench.cli import main

sys.exit(main())
