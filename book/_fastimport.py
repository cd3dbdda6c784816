"""Skip a two-second import that nothing here needs (imported first, and a pytest plugin: ``-p book._fastimport``).

``nbformat`` imports ``jsonschema``, whose format checkers import
``rfc3987_syntax`` when it is installed (JupyterLab's ``jupyter-events``
requires it). That module compiles a Lark grammar at import: 2.5 s of CPU,
measured with ``python -X importtime -c "import nbformat"``, in every pytest,
nbval and refresh process. The notebook schema uses no IRI formats, so the
checker it feeds is never called here; marking the module absent makes
``jsonschema`` skip it, as it does when the package is not installed.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None in sys.modules: "not installed"
