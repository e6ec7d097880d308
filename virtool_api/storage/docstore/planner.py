"""Filters and sorts answered by SQLite where an index (or `_id`) covers them.

A filter becomes a SQL condition selecting a superset of the matching rows, and says whether that superset is
exact. Conditions on `_id` (the `id` column holds its key) and on indexed paths translate (equality, `$in`,
`$ne`, `$nin`, ranges, `$all`, and a `$regex` that is plain text, contained or anchored with `^`); the rest
(other patterns, `$exists`, unindexed paths) do not and leave the rows to the Python matcher.

An indexed path that crosses an array in some document (a multikey path, as MongoDB says: its key column
holds MULTIKEY there) is answered, as MongoDB answers it, from one key per element: its element table holds
every key a query operator compares for such a document (`paths.candidates`: each value and each array
element), so a condition holds for the document exactly when it holds for one of those keys (a negation, for
none). A path with no element table (a positional part such as `a.0`) leaves those rows to the matcher.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from virtool_api.storage.docstore.codec import ARRAY, MULTIKEY, NULL_KEY, STRING, text_key
from virtool_api.storage.docstore.filters import COMPARISONS, And, Condition, Field, Node, Or, literal_text

ID_COLUMN = "id"

Translation = tuple[str | None, list[Any], bool]
"""`(sql, parameters, exact)`; `sql` None means no condition could be translated (all rows are candidates)."""
Key = tuple[str, list[Any]]


@dataclass(frozen=True)
class Elements:
    """Where the keys of a path are when some rows cross an array there: the collection's table (the key
    column of the other rows) and the path's element table (every element key of those rows, `schema.py`)."""

    table: str
    elements: str
    walk: bool = False
    """The query is a page SQLite reads by walking a sort's index: the row ids must not drive it instead
    (SQLite guesses 25 rows for any `IN (SELECT ...)` and would read and sort every match, 42 ms for 10k
    samples with one label, where walking `created_at` finds 25 of them in 2 ms)."""


Arrays = bool | Elements
"""What the planner knows of an indexed path's key column: False when no row's value there crosses an array
(its key is the value's), its `Elements` when some do, True when some do and the path has no element table
(those rows are left to the matcher)."""
STRING_KEY = bytes([STRING])


def translate(node: Node, columns: dict[str, str], multikey: Callable[[str], Arrays]) -> Translation:
    """SQL over the key columns (`columns` maps an indexed path to its column) for `node`."""
    if isinstance(node, Field):
        return _field(node, columns, multikey)
    parts = [translate(child, columns, multikey) for child in node.children]
    if isinstance(node, And):
        sql = [part for part, _, _ in parts if part is not None]
        exact = all(part is not None and part_exact for part, _, part_exact in parts)
        params = [param for part, part_params, _ in parts if part is not None for param in part_params]
        return (" AND ".join(f"({part})" for part in sql) if sql else None), params, exact
    assert isinstance(node, Or)
    if any(part is None for part, _, _ in parts):
        return None, [], False
    params = [param for _, part_params, _ in parts for param in part_params]
    return " OR ".join(f"({part})" for part, _, _ in parts), params, all(exact for _, _, exact in parts)


ARRAY_KEY = bytes([ARRAY])
"""The first byte of an array operand's key: arrays compare whole, which only the matcher does."""


def by_id(tree: And) -> tuple[str, list[Any]] | None:
    """The condition `exact` writes for a filter on `_id` alone by `$eq` or `$in` (`{"_id": x}`, `{"_id":
    {"$in": [...]}}`: most reads by id, five of the seven operations showing a sample), without walking the
    tree (a sixth of such a read's time); None for any other filter."""
    if len(tree.children) != 1:
        return None
    node = tree.children[0]
    if not isinstance(node, Field) or node.path != "_id" or len(node.conditions) != 1:
        return None
    condition = node.conditions[0]
    if condition.operator not in ("$eq", "$in") or any(key[:1] == ARRAY_KEY for key in condition.keys):
        return None
    test = _key_test(ID_COLUMN, condition.operator, condition.keys, condition)
    assert test is not None  # `$eq` and `$in` always translate
    return f"({test[0]})", test[1]


def one_by_id(tree: And) -> tuple[str, list[Any]] | None:
    """The condition on `id` of a filter that pins `_id` to one value beside other conditions (`{"_id": x,
    "state": {"$nin": [...]}}`: a conditional update), which selects the one row the filter can match; None
    for any other filter (and for `_id` alone, which `by_id` takes)."""
    if len(tree.children) < 2:
        return None
    for child in tree.children:
        if isinstance(child, Field) and child.path == "_id" and len(child.conditions) == 1:
            if child.conditions[0].operator == "$eq":
                return by_id(And([child]))
    return None


Residual = Callable[[Node], tuple[str, list[Any]]]
"""Registers a node for the Python matcher and returns the SQL calling it on the row's document."""


def exact(
    node: Node, columns: dict[str, str], multikey: Callable[[str], Arrays], residual: Residual
) -> tuple[str | None, list[Any]]:
    """SQL that selects exactly the matching rows (None: every row): the translated conditions, and where they
    are not exact, the Python matcher called from SQLite (`residual`) on only the rows they leave, so counts,
    skips and limits stay SQLite's. In an `$or`, only the inexact branches call the matcher."""
    sql, params, is_exact = translate(node, columns, multikey)
    if is_exact:
        return sql, params
    if isinstance(node, Or):
        branches = [exact(child, columns, multikey, residual) for child in node.children]
        if any(branch is None for branch, _ in branches):
            return None, []
        return " OR ".join(f"({branch})" for branch, _ in branches), [p for _, ps in branches for p in ps]
    if isinstance(node, Field):
        matcher, matcher_params = residual(node)
        return (f"({sql}) AND {matcher}" if sql else matcher), [*params, *matcher_params]
    terms: list[str] = []
    values: list[Any] = []
    inexact: list[Node] = []
    for child in node.children:
        child_sql, child_params, child_exact = translate(child, columns, multikey)
        if not child_exact and isinstance(child, Or | And):
            child_sql, child_params = exact(child, columns, multikey, residual)
        elif not child_exact:
            inexact.append(child)
        if child_sql is not None:
            terms.append(f"({child_sql})")
            values.extend(child_params)
    if inexact:
        matcher, matcher_params = residual(And(inexact))
        terms.append(matcher)
        values.extend(matcher_params)
    return (" AND ".join(terms) if terms else None), values


def _field(node: Field, columns: dict[str, str], multikey: Callable[[str], Arrays]) -> Translation:
    if node.path == "_id":  # `id` holds the key of `_id`, which is never an array
        translated = [_key_condition(ID_COLUMN, condition, False) for condition in node.conditions]
    elif node.path in columns:
        column = columns[node.path]
        arrays = multikey(column)
        translated = [_key_condition(column, condition, arrays) for condition in node.conditions]
    else:
        return None, [], False
    sql = [part for part, _, _ in translated if part is not None]
    params = [param for part, part_params, _ in translated if part is not None for param in part_params]
    exact = all(part is not None and part_exact for part, _, part_exact in translated)
    return (" AND ".join(sql) if sql else None), params, exact


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


NEGATIONS = {"$ne": "$eq", "$nin": "$in"}


def _key_condition(column: str, condition: Condition, arrays: Arrays) -> Translation:
    """A condition on one indexed path, as SQL over its key column and, where rows cross arrays there, its
    element table: exact, or (arrays without an element table) a superset that keeps those rows."""
    operator, keys = condition.operator, condition.keys
    if operator == "$exists" or any(key[:1] == ARRAY_KEY for key in keys):
        return None, [], False  # arrays as operands compare whole arrays: left to the matcher
    if operator == "$all":
        if not keys:
            return "0", [], True
        parts = [_key_condition(column, Condition("$eq", None, [key]), arrays) for key in keys]
        if any(sql is None for sql, _, _ in parts):
            return None, [], False
        params = [param for _, part_params, _ in parts for param in part_params]
        return " AND ".join(f"({sql})" for sql, _, _ in parts), params, parts[0][2]
    if operator in COMPARISONS and keys[0] == NULL_KEY and operator in ("$gt", "$lt"):
        return "0", [], True  # nothing is greater or less than null, not even inside an array
    positive = NEGATIONS.get(operator, operator)
    test = _key_test(column, positive, keys, condition)
    if test is None:
        return None, [], False
    sql, params = test
    if arrays is True:  # rows crossing arrays are left to the matcher, whichever way the test goes
        if operator in NEGATIONS:
            return f"NOT ({sql})", params, False
        return f"(({sql}) OR {column} = ?)", [*params, MULTIKEY], False
    if isinstance(arrays, Elements):  # one set of row ids, from the key column and the element table
        element = _key_test("key", positive, keys, condition)
        assert element is not None
        sql = (
            f"{'+' if arrays.walk else ''}rid IN (SELECT rid FROM {arrays.table} WHERE {sql}"
            f" UNION ALL SELECT rid FROM {arrays.elements} WHERE {element[0]})"
        )
        params = [*params, *element[1]]
    return (f"NOT ({sql})" if operator in NEGATIONS else sql), params, True


def _key_test(expression: str, operator: str, keys: list[bytes], condition: Condition) -> Key | None:
    """Whether one key (`expression`) satisfies a positive condition, as SQL; None if SQL cannot tell."""
    if operator == "$eq":
        return f"{expression} = ?", [keys[0]]
    if operator == "$in":
        return f"{expression} IN ({_placeholders(len(keys))})", list(keys)
    if operator == "$regex":
        return _regex_test(expression, condition)
    key = keys[0]
    if key == NULL_KEY:  # `$gte`/`$lte` null: equal to null (`$gt`/`$lt` null match nothing)
        return f"{expression} = ?", [key]
    lowest, above = key[:1], bytes([key[0] + 1])
    bounds = {
        "$gt": (f"{expression} > ? AND {expression} < ?", [key, above]),
        "$gte": (f"{expression} >= ? AND {expression} < ?", [key, above]),
        "$lt": (f"{expression} < ? AND {expression} >= ?", [key, lowest]),
        "$lte": (f"{expression} <= ? AND {expression} >= ?", [key, lowest]),
    }
    sql, params = bounds[operator]
    return f"({sql})", params


def _regex_test(expression: str, condition: Condition) -> Key | None:
    """A regular expression that is plain text (`re.escape(...)`) as a test of the key's bytes: contained in
    a string's key, or (anchored with `^`) the key's prefix, answered by the index; any other pattern (and any
    option but `s`) is left to the matcher."""
    assert condition.pattern is not None
    found = literal_text(condition.pattern)
    if found is None:
        return None
    anchored, text = found
    encoded = text_key(text)
    if anchored:
        prefix = STRING_KEY + encoded
        return f"({expression} >= ? AND {expression} < ?)", [prefix, prefix + b"\xff"]
    # Containment selects from anywhere in the index, so the index must not drive a page: its type range is
    # written `+column`, which SQLite does not look up in an index.
    if not encoded or encoded.startswith(STRING_KEY):  # a match could start at the type byte: look past it
        return f"(substr({expression}, 1, 1) = ? AND instr(substr({expression}, 2), ?) > 0)", [
            STRING_KEY,
            encoded,
        ]
    # Past the type byte (position 1) is a match in the text: the end mark cannot be part of one (text_key).
    # instr first, then the type: a third of the time of copying each key with substr (a count at 100k).
    return f"(instr({expression}, ?) > 1 AND +{expression} >= ? AND +{expression} < ?)", [
        encoded,
        STRING_KEY,
        bytes([STRING + 1]),
    ]


def order_by(
    sort: list[tuple[str, int]], columns: dict[str, str], multikey: Callable[[str], Arrays]
) -> str | None:
    """`ORDER BY` terms for a sort SQLite can do, else None (the sort happens in Python). Ties keep the order
    rows were inserted in, as an in-memory stable sort would."""
    terms: list[str] = []
    for path, direction in sort:
        column = ID_COLUMN if path == "_id" else columns.get(path)
        if column is None or (column != ID_COLUMN and multikey(column)):
            return None
        terms.append(f"{column} {'DESC' if direction < 0 else 'ASC'}")
        if column == ID_COLUMN:
            return ", ".join(terms)
    return ", ".join([*terms, "rid ASC"])
