"""The package's source files, each read and parsed once per test process.

The layering and data-ownership tests walk every module's syntax tree, several tests each (a parse of the
whole package is about 0.4 s of CPU): they share the trees made here. The trees are only read: a test that
changed one would change it for the others.
"""

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "virtool_api"


@functools.cache
def syntax_tree(path: Path) -> ast.Module:
    """The parsed source of `path` (a file of this package)."""
    return ast.parse(path.read_text(), filename=str(path))
