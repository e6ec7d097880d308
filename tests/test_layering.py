"""The code's shape: every top-level module sits in one layer and imports only from its own layer or those
below; domains import one way; no module imports in a circle, not even from inside a function (an import
placed there to dodge a circle is a circle to fix); no module grows past what one person reads in a sitting.
See `virtool_api/events.py` for how a lower domain tells a higher one."""

import ast
from pathlib import Path

from tests.support.source import PACKAGE, syntax_tree
from virtool_api.jobs.models import Workflow

MAX_MODULE_LINES = 450

# Lowest first: a module imports only from its own layer and the layers before it.
LAYERS: dict[str, set[str]] = {
    # Shared by every domain, importing none: HTTP plumbing, the stores, errors, the settings and how they are
    # declared (`options`), `Context`.
    "shared": {
        "__init__",
        "api",
        "config",
        "context",
        "crash_points",
        "errors",
        "events",
        "listing",
        "models",
        "options",
        "pagination",
        "storage",
        "utils",
    },
    # What the server does, one folder each (and `runner`, a client of the job API: see the test below).
    "domains": {
        "analyses",
        "blast",
        "hmms",
        "indexes",
        "jobs",
        "labels",
        "live",
        "onecodex",
        "projects",
        "references",
        "runner",
        "runners",
        "samples",
        "settings",
        "subtractions",
        "tags",
        "uploads",
        "users",
        "web",
    },
    # Server wiring: the apps, who is calling them, the Context with the domains subscribed to each other.
    "server": {"server"},
    # Operations: `virtool-api` and its commands, and `dev seed` with its demo data.
    "operations": {"__main__", "cli", "demo_data", "dev", "operations", "settings_table"},
}

# Imports that are not at a module's top, each with why: an import inside a function hides an edge of the
# import graph from whoever reads the module's top, so only type-only ones and the start-up of the commands
# that do not need a heavy module belong here (none can hide a circle: the test below follows them too).
NOT_AT_TOP: dict[tuple[str, str], str] = {
    ("cli.py", "virtool_api.server.app"): "start-up: only `serve` builds the apps, with every route table",
    ("cli.py", "virtool_api.dev"): "start-up: only `dev seed` needs numpy and the runner's simulated reads",
    ("cli.py", "virtool_api.storage.migrate"): "start-up: only `migrate` needs alembic (0.2 s of CPU)",
    (
        "server/context.py",
        "virtool_api.storage.migrate",
    ): "start-up: only a schema behind its head needs alembic",
    ("storage/redis.py", "redis.asyncio"): "start-up: only a server given a Redis URL needs its client",
    ("storage/redis.py", "redis.asyncio.retry"): "start-up: only a server given a Redis URL needs its client",
    ("storage/redis.py", "redis.backoff"): "start-up: only a server given a Redis URL needs its client",
    ("runner/sources.py", "redis.asyncio"): "start-up: only a runner given a Redis URL needs its client",
    ("analyses/exports.py", "xlsxwriter"): "start-up: only an Excel export asked for needs XlsxWriter",
    (
        "storage/docstore/carry_over.py",
        "tinymongo.bson_codec",
    ): "start-up: only a data path the former embedded store wrote needs its decoder",
}


def _top_level_names() -> set[str]:
    names = {path.stem for path in PACKAGE.glob("*.py")}
    names.update(path.name for path in PACKAGE.iterdir() if path.is_dir() and any(path.rglob("*.py")))
    return names


def _layer_of(name: str) -> int:
    return next(index for index, members in enumerate(LAYERS.values()) if name in members)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (PACKAGE.parent / relative).with_suffix(".py").exists() or (
        PACKAGE.parent / relative / "__init__.py"
    ).exists()


def _ours(module: str) -> bool:
    return module.split(".")[0] == "virtool_api"


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(path: Path, others: bool = False) -> list[tuple[str, bool, bool]]:
    """Every `virtool_api` module the file imports (and with `others`, every other module too), as (module, at
    the module's top, only for type checkers). `from virtool_api.storage import mongo` imports
    `virtool_api.storage.mongo`."""
    found: list[tuple[str, bool, bool]] = []

    def visit(node: ast.AST, top: bool, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            names: list[str] = []
            if isinstance(child, ast.ImportFrom) and _ours(module := child.module or ""):
                names = [
                    f"{module}.{alias.name}" if _is_module(f"{module}.{alias.name}") else module
                    for alias in child.names
                ]
            elif isinstance(child, ast.ImportFrom) and others:
                names = [module]
            elif isinstance(child, ast.Import):
                names = [alias.name for alias in child.names if others or _ours(alias.name)]
            found.extend((name, top, typing_only) for name in names)
            visit(
                child,
                top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.If),
                typing_only or _is_type_checking(child),
            )

    visit(syntax_tree(path), True, False)
    return found


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _owner(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _owner_of_module(module: str) -> str:
    return module.split(".")[1] if "." in module else "__init__"


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


def test_every_top_level_module_is_in_a_layer() -> None:
    classified = set().union(*LAYERS.values())
    assert sorted(_top_level_names() - classified) == [], "add it to a layer in LAYERS"
    assert sorted(classified - _top_level_names()) == [], "gone from virtool_api/: drop it from LAYERS"
    assert sum(len(members) for members in LAYERS.values()) == len(classified), "a name in two layers"


def test_layers_import_only_from_themselves_and_below() -> None:
    upward = {
        f"{path.relative_to(PACKAGE)} -> {module}"
        for path in _files()
        for module, _, _ in _imports(path)
        if _layer_of(_owner_of_module(module)) > _layer_of(_owner(path))
    }
    assert sorted(upward) == []


def _domain_graph() -> dict[str, set[str]]:
    domains = LAYERS["domains"]
    graph: dict[str, set[str]] = {}
    for path in _files():
        if (owner := _owner(path)) in domains:
            targets = {_owner_of_module(module) for module, _, _ in _imports(path)}
            graph.setdefault(owner, set()).update((targets & domains) - {owner})
    return graph


def test_domains_import_one_way() -> None:
    cycle = _cycle(_domain_graph())
    assert cycle is None, "import circle between domains: " + " -> ".join(cycle or [])


def test_every_import_is_at_a_module_top() -> None:
    """Of our modules and of any other."""
    not_at_top = {
        (str(path.relative_to(PACKAGE)), module)
        for path in _files()
        for module, top, _ in _imports(path, others=True)
        if not top
    }
    assert sorted(not_at_top - NOT_AT_TOP.keys()) == [], "import it at the module's top (see NOT_AT_TOP)"
    assert sorted(NOT_AT_TOP.keys() - not_at_top) == [], "no longer imported there: drop it from NOT_AT_TOP"


def test_no_module_imports_itself_through_others() -> None:
    """Imports inside functions count too; imports for type checkers only never run, so they do not."""
    graph: dict[str, set[str]] = {}
    for path in _files():
        module = _module_name(path)
        graph.setdefault(module, set()).update(
            target for target, _, typing_only in _imports(path) if not typing_only and target != module
        )
    cycle = _cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_no_module_is_past_the_size_one_reads_in_a_sitting() -> None:
    long_modules = {
        str(path.relative_to(PACKAGE)): lines
        for path in _files()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long_modules == {}


def test_the_runner_is_a_client_of_the_job_api_only() -> None:
    """The runner imports no service and no store: only itself, the wire formats (`models`, `results`)
    it sends and reads, and how settings are declared (`options`). `supervisor.py`, which `serve` uses to
    start it, is below the server too."""
    wire_formats = {"virtool_api.models", "virtool_api.analyses.results", "virtool_api.pagination"}
    wire_formats.add("virtool_api.options")
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            module
            for module, _, _ in _imports(path)
            if not module.startswith("virtool_api.runner")
            and not module.endswith(".models")
            and module not in wire_formats
        )
        for path in sorted((PACKAGE / "runner").rglob("*.py"))
    }
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_workflow_names_are_spelled_once() -> None:
    """A workflow's name is a `Workflow` member everywhere but where the enum declares it. (In
    `samples/workflows.py`, `nuvs` and `aodp` are also the names of a sample's `workflows` fields.)"""
    names = {workflow.value for workflow in Workflow}
    declared_or_fields = {PACKAGE / "jobs" / "models.py", PACKAGE / "samples" / "workflows.py"}
    spelled = sorted(
        f"{path.relative_to(PACKAGE)}:{node.lineno} {node.value!r}"
        for path in _files()
        if path not in declared_or_fields
        for node in ast.walk(syntax_tree(path))
        if isinstance(node, ast.Constant) and node.value in names
    )
    assert spelled == [], "name the Workflow member instead"
