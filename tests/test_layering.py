"""The code's shape: domains import one way (no circles, so each can be read alone) and no module grows past
what one person reads in a sitting. See `virtool_api/events.py` for how a lower domain tells a higher one."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "virtool_api"
MAX_MODULE_LINES = 450

# Below every domain (imported by all, importing none) and above every domain (composition).
INFRASTRUCTURE = {"api", "storage", "errors", "models", "utils", "config", "context", "events", "pagination"}
COMPOSITION = {"server", "operations", "cli", "__main__", "__init__"}


def _imported_packages(path: Path) -> set[str]:
    """Every `virtool_api.X` a module imports, at its top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("virtool_api."):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names.update(
                alias.name.split(".")[1] for alias in node.names if alias.name.startswith("virtool_api.")
            )
    return names


def _domain_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        owner = parts[0].removesuffix(".py")
        if owner in INFRASTRUCTURE | COMPOSITION or len(parts) == 1:
            continue
        targets = _imported_packages(path) - INFRASTRUCTURE - {owner}
        graph.setdefault(owner, set()).update(targets)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            if found := visit(target):
                return found
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if found := visit(node):
            return found
    return None


def test_domains_import_one_way() -> None:
    assert _cycle(_domain_graph()) is None, "import circle between domains: " + " -> ".join(
        _cycle(_domain_graph()) or []
    )


def test_infrastructure_imports_no_domain() -> None:
    domains = set(_domain_graph())
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_imported_packages(path) & domains)
        for name in INFRASTRUCTURE
        for path in ([PACKAGE / f"{name}.py"] if (PACKAGE / f"{name}.py").exists() else [])
        + sorted((PACKAGE / name).rglob("*.py"))
    }
    # `api/keys.py` names the BLAST runner's type for type checkers only; `api/openapi.py` reads both apps'
    # route tables (composition), which it imports when asked for the document.
    allowed = {"api/keys.py": ["blast"], "api/openapi.py": ["server"]}
    assert {path: names for path, names in offenders.items() if names and allowed.get(path) != names} == {}


def test_no_module_is_past_the_size_one_reads_in_a_sitting() -> None:
    long_modules = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long_modules == {}


def _imported_modules(path: Path) -> set[str]:
    """Every `virtool_api...` module a file imports, at its top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("virtool_api"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("virtool_api"))
    return names


def test_the_runner_is_a_client_of_the_job_api_only() -> None:
    """The runner imports no service and no store: only itself and the wire formats (`models`, `results`)
    it sends and reads. `supervisor.py`, which `serve` uses to start it, is below the server too."""
    wire_formats = {"virtool_api.models", "virtool_api.analyses.results", "virtool_api.pagination"}
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            module
            for module in _imported_modules(path)
            if not module.startswith("virtool_api.runner")
            and not module.endswith(".models")
            and module not in wire_formats
        )
        for path in sorted((PACKAGE / "runner").rglob("*.py"))
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}
