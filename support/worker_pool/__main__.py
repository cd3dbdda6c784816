"""``python -m support.worker_pool serve ...`` runs the server, ``... load ...`` the load generator.

Taught in the chapter ``worker_pool``.
"""

import sys

from support.worker_pool import load, server

COMMANDS = {"serve": server.main, "load": load.main}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: python -m support.worker_pool {serve|load} [options]", file=sys.stderr)
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
