# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``python tests/emulator --world WORLD.yml --port N [--latency-ms 40] [--host 127.0.0.1]``.

Run as a directory, Python puts this directory first on ``sys.path``; the package is imported
from its parent instead (``emulator``), so its modules never shadow anything.
"""

import os
import sys

if __package__ in (None, ""):
    HERE = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]
    sys.path.insert(0, os.path.dirname(HERE))
    from emulator.server import main
else:
    from .server import main

if __name__ == "__main__":
    sys.exit(main())
