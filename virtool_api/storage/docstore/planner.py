"""Filters and sorts answered by SQLite where an index (or `_id`) covers them.

A filter becomes a SQL condition selecting a superset of the matching rows, and says whether that superset is
exact. Conditions on `_id` (the `id` column holds its key) and on indexed paths translate (equality, `$in`,
`$ne`, `$nin`, ranges, `$all`); the rest (`$regex`, `$exists`, unindexed paths) do not and leave the rows to
the Python matcher. An indexed path that crosses an array in some document (its key column holds MULTIKEY
there) is only exact when no row holds MULTIKEY; otherwise those rows are always candidates and the matcher
decides.
"""

from collections.abc import Callable
from typing import Any

from virtool_api.storage.docstore.codec import MULTIKEY, NULL_KEY
from virtool_api.storage.docstore.filters import And, Condition, Field, Node, Or

ID_COLUMN = "id"

Translation = tuple[str | None, list[Any], bool]
"""`(sql, parameters, exact)`; `sql` None means no condition could be translated (all rows are candidates)."""


def translate(node: Node, columns: dict[str, str], multikey: Callable[[str], bool]) -> Translation:
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


Residual = Callable[[Node], tuple[str, list[Any]]]
"""Registers a node for the Python matcher and returns the SQL calling it on the row's document."""


def exact(
    node: Node, columns: dict[str, str], multikey: Callable[[str], bool], residual: Residual
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
        if not child_exact and isinstance(child, Or):
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


def _field(node: Field, columns: dict[str, str], multikey: Callable[[str], bool]) -> Translation:
    if node.path == "_id":  # `id` holds the key of `_id`, which is never an array
        translated = [_key_condition(ID_COLUMN, condition, False) for condition in node.conditions]
    elif node.path in columns:
        column = columns[node.path]
        has_arrays = multikey(column)
        translated = [_key_condition(column, condition, has_arrays) for condition in node.conditions]
    else:
        return None, [], False
    sql = [part for part, _, _ in translated if part is not None]
    params = [param for part, part_params, _ in translated if part is not None for param in part_params]
    exact = all(part is not None and part_exact for part, _, part_exact in translated)
    return (" AND ".join(sql) if sql else None), params, exact


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


def _key_condition(column: str, condition: Condition, has_arrays: bool) -> Translation:
    operator, keys = condition.operator, condition.keys
    if operator in ("$regex", "$exists") or any(key[:1] == b"\x1c" for key in keys):
        return None, [], False  # arrays as operands compare whole arrays: left to the matcher
    exact = not has_arrays
    multikey_rows = f" OR {column} = ?" if has_arrays else ""
    extra = [MULTIKEY] if has_arrays else []
    if operator == "$eq":
        return f"({column} = ?{multikey_rows})", [keys[0], *extra], exact
    if operator == "$in":
        return f"({column} IN ({_placeholders(len(keys))}){multikey_rows})", [*keys, *extra], exact
    if operator == "$ne":
        return f"{column} != ?", [keys[0]], exact
    if operator == "$nin":
        return f"{column} NOT IN ({_placeholders(len(keys))})", keys, exact
    if operator == "$all":
        if not keys:
            return "0", [], True
        sql = " AND ".join(f"({column} = ?{multikey_rows})" for _ in keys)
        return sql, [param for key in keys for param in (key, *extra)], exact
    key = keys[0]
    if key == NULL_KEY:
        if operator in ("$gte", "$lte"):
            return f"({column} = ?{multikey_rows})", [key, *extra], exact
        return "0", [], True  # nothing is greater or less than null, not even inside an array
    lowest, above = key[:1], bytes([key[0] + 1])
    bounds = {
        "$gt": (f"{column} > ? AND {column} < ?", [key, above]),
        "$gte": (f"{column} >= ? AND {column} < ?", [key, above]),
        "$lt": (f"{column} < ? AND {column} >= ?", [key, lowest]),
        "$lte": (f"{column} <= ? AND {column} >= ?", [key, lowest]),
    }
    sql, params = bounds[operator]
    return f"({sql}{multikey_rows})", [*params, *extra], exact


def order_by(
    sort: list[tuple[str, int]], columns: dict[str, str], multikey: Callable[[str], bool]
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
