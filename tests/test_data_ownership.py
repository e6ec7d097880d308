"""Each domain owns its data: a document collection or SQL table is written by the domain it belongs to only,
and read through that domain's functions, so a rule such as "who may read a sample" exists once.

Another domain that needs a change asks the owner's service, or emits an event (`virtool_api/events.py`) the
owner subscribes to. The scan below reads the source: a write is a store method that changes documents
(`insert_*`, `update_*`, `replace_*`, `delete_*`, `find_one_and_*`, `bulk_write`, `drop`) called on a
collection (`ctx.db.samples`, `db["samples"]`, or a name bound to one), a collection handed to a function
that writes its argument (`insert_with_random_id`), or an SQL statement (`insert`/`update`/`delete`) or new
row of a table declared in a domain's `tables.py`; among steps (`storage/steps.py`), a `FindOneAndUpdate` or
`InsertOne` naming the collection. Indexes (`create_index`, in `storage/mongo.py`) are the
store's schema, not data. A read is any other use of a collection outside `storage/`.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.source import PACKAGE, syntax_tree

COLLECTION_OWNERS = {
    "analyses": "analyses",
    "groups": "users",
    "hmm_status": "hmms",
    "hmms": "hmms",
    "indexes": "indexes",
    "job_statuses": "jobs",
    "jobs": "jobs",
    "keys": "users",
    "labels": "labels",
    "maintenance": "storage",
    "otus": "references",
    "projects": "projects",
    "references": "references",
    "runners": "runners",
    "samples": "samples",
    "sessions": "users",
    "settings": "settings",
    "setup": "users",
    "sign_in_attempts": "users",
    "subtractions": "subtractions",
    "tags": "tags",
    "users": "users",
}
"""Who owns each document collection (a table's owner is the domain whose `tables.py` declares it)."""

FOREIGN_READS_LEFT = {
    ("references/service.py", "indexes"): "a reference shows its newest ready index",
    ("samples/documents.py", "subtractions"): "a sample shows the names of the subtractions it names",
    ("samples/service.py", "subtractions"): "a sample may only name subtractions that exist",
    ("subtractions/service.py", "analyses"): "a subtraction an analysis names is in use and stays",
}
"""`(module, collection)`: another domain's collection a module reads itself, and why. Each is a read upward:
the owner imports the reader (indexes are built from a reference; subtractions list the samples naming them;
analyses name subtractions), so the reader cannot call the owner without an import circle, and an event
cannot answer a question. Each reads ids and names only, never writes. The list only shrinks."""

WRITE_PREFIXES = ("insert_", "update_", "replace_", "delete_", "find_one_and_")
STEP_OPERATIONS = {"Find", "FindOne", "FindOneAndUpdate", "InsertOne"}
"""`storage/steps.py`'s operations, each naming its collection first."""
STEP_WRITES = {"FindOneAndUpdate", "InsertOne"}
WRITE_METHODS = {"bulk_write", "drop", "rename"}
SQL_WRITES = {"insert", "update", "delete"}


@dataclass(frozen=True)
class Write:
    module: str
    writer: str
    store: str
    owner: str
    line: int


def _is_write_method(name: str) -> bool:
    return name.startswith(WRITE_PREFIXES) or name in WRITE_METHODS


def _owner_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _module(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def _tables() -> dict[str, str]:
    """Each SQL table class (declared in a domain's `tables.py`) and its domain."""
    return {
        node.name: _owner_of(path)
        for path in PACKAGE.rglob("tables.py")
        for node in syntax_tree(path).body
        if isinstance(node, ast.ClassDef)
    }


def _collection(node: ast.AST) -> str | None:
    """The collection an expression names: `<...>.db.name`, `db["name"]`, `db.get_collection("name")`, or a
    step's operation (`FindOne("name", ...)`)."""

    def is_db(value: ast.AST) -> bool:
        return (isinstance(value, ast.Name) and value.id == "db") or (
            isinstance(value, ast.Attribute) and value.attr == "db"
        )

    if isinstance(node, ast.Attribute) and is_db(node.value):
        return node.attr
    if isinstance(node, ast.Subscript) and is_db(node.value) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get_collection"
        and is_db(node.func.value)
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.args[0].value)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in STEP_OPERATIONS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.args[0].value)
    return None


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _writing_helpers() -> dict[str, set[int]]:
    """Functions that write to a collection they are handed: name -> positions of those parameters."""
    helpers: dict[str, set[int]] = {}
    for path in PACKAGE.rglob("*.py"):
        for function in _functions(syntax_tree(path)):
            parameters = [argument.arg for argument in function.args.args]
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and _is_write_method(node.func.attr)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in parameters
                ):
                    helpers.setdefault(function.name, set()).add(parameters.index(node.func.value.id))
    return helpers


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _imported_tables(tree: ast.AST, tables: dict[str, str]) -> dict[str, str]:
    """The names a module binds to SQL table classes (`from virtool_api.x.tables import T as U`)."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".tables"):
            for alias in node.names:
                if alias.name in tables:
                    bound[alias.asname or alias.name] = alias.name
    return bound


def _writes_in(path: Path, tables: dict[str, str], helpers: dict[str, set[int]]) -> Iterator[Write]:
    tree = syntax_tree(path)
    module, writer = _module(path), _owner_of(path)
    table_names = _imported_tables(tree, tables)
    if path.name == "tables.py":
        table_names.update({name: name for name in tables if tables[name] == writer})
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            collection = _collection(node.value)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if collection and isinstance(target, ast.Name):
                    aliases[target.id] = collection

    def collection_of(expression: ast.AST) -> str | None:
        if isinstance(expression, ast.Name) and expression.id in aliases:
            return aliases[expression.id]
        return _collection(expression)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        stores: list[tuple[str, str]] = []
        if isinstance(node.func, ast.Attribute) and _is_write_method(node.func.attr):
            if collection := collection_of(node.func.value):
                stores.append((collection, COLLECTION_OWNERS.get(collection, "?")))
        name = _called_name(node)
        if name in STEP_WRITES and (collection := _collection(node)):
            stores.append((collection, COLLECTION_OWNERS.get(collection, "?")))
        for position in helpers.get(name or "", set()):
            if position < len(node.args) and (collection := collection_of(node.args[position])):
                stores.append((collection, COLLECTION_OWNERS.get(collection, "?")))
        if name in SQL_WRITES and node.args:
            target = node.args[0]
            if isinstance(target, ast.Attribute) and target.attr == "__table__":
                target = target.value
            if isinstance(target, ast.Name) and target.id in table_names:
                table = table_names[target.id]
                stores.append((table, tables[table]))
        if isinstance(node.func, ast.Name) and node.func.id in table_names:
            table = table_names[node.func.id]
            stores.append((table, tables[table]))
        for store, owner in stores:
            yield Write(module, writer, store, owner, node.lineno)


def _all_writes() -> list[Write]:
    tables, helpers = _tables(), _writing_helpers()
    return [write for path in sorted(PACKAGE.rglob("*.py")) for write in _writes_in(path, tables, helpers)]


def test_every_written_collection_has_an_owner() -> None:
    assert sorted({write.store for write in _all_writes() if write.owner == "?"}) == []


def test_each_collection_and_table_is_written_by_its_own_domain_only() -> None:
    foreign = {
        f"{write.module}:{write.line} writes {write.store} (owned by {write.owner})"
        for write in _all_writes()
        if write.owner not in ("?", write.writer)
    }
    assert sorted(foreign) == []


def _foreign_reads() -> set[tuple[str, str]]:
    """Every `(module, collection)` where a module outside `storage/` names another domain's collection."""
    reads: set[tuple[str, str]] = set()
    for path in PACKAGE.rglob("*.py"):
        reader = _owner_of(path)
        if reader == "storage":
            continue
        for node in ast.walk(syntax_tree(path)):
            collection = _collection(node)
            if collection is not None and COLLECTION_OWNERS.get(collection, reader) != reader:
                reads.add((_module(path), collection))
    return reads


def test_other_domains_collections_are_read_through_their_functions() -> None:
    assert sorted(_foreign_reads() - set(FOREIGN_READS_LEFT)) == []


def test_the_reads_left_are_still_there() -> None:
    """An entry whose read has moved behind its owner's functions comes off the list."""
    assert sorted(set(FOREIGN_READS_LEFT) - _foreign_reads()) == []
