"""The project's command, run as ``python3 -m book``: build, test, lab, refresh, bench, clean."""
