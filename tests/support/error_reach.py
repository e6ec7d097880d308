"""Which errors a route's handler can answer, read from the code (for `test_error_declarations.py`).

From a handler, every function and class of `virtool_api` it refers to is followed: names through the module
or closure they are read from, `ctx.files.remove` through the type annotations (`ctx: Context`), `self.`
through the method's class. Each error built (`ERROR(...)`, `ERROR.format(...)`) or raised by name is
collected as the (status, message) it answers, and so is an error class handed to one of our functions (which
may raise it) or given as a parameter's default; errors that an enclosing `try` catches without raising again
are left out. An error built with a message that cannot be read (an f-string, a variable) is a problem:
declare it (`Conflict.declare(...)`, a template raised with `.format(...)`, or a family with `described`).

The reading over-approximates where the code chooses at run time (every branch counts) and follows nothing it
cannot name (a value passed in as an argument); handlers here call services by name, so that is enough.
"""

import ast
import functools
import inspect
import textwrap
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from virtool_api.errors import ServiceError

Answer = tuple[int, str]


@dataclass
class Reach:
    """What a piece of code can answer: each (status, message) with the error class and the first place
    raising it, and the raises whose message cannot be read."""

    answers: dict[Answer, tuple[type[ServiceError], str]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    def add(self, other: "Reach") -> None:
        for answer, origin in other.answers.items():
            self.answers.setdefault(answer, origin)
        for where, problem in other.problems.items():
            self.problems.setdefault(where, problem)

    def without(self, caught: tuple[type[BaseException], ...]) -> "Reach":
        kept = Reach(problems=dict(self.problems))
        kept.answers = {
            answer: origin for answer, origin in self.answers.items() if not issubclass(origin[0], caught)
        }
        return kept


@dataclass(frozen=True)
class Instance:
    """A value known only by its annotated type."""

    kind: Any


@functools.cache
def _definition(function: types.FunctionType) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The syntax tree of `function`'s definition, or None without one: read once per process (finding a
    function's source tokenizes its file), however many readers and tests ask. Only read, never changed."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None
    definition = tree.body[0]
    return definition if isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef) else None


def _is_error_class(value: Any) -> bool:
    return inspect.isclass(value) and issubclass(value, ServiceError)


def _plain_type(hint: Any) -> Any:
    """`FileStore | None` -> `FileStore`; anything else unchanged."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        arguments = [argument for argument in typing.get_args(hint) if argument is not type(None)]
        return arguments[0] if len(arguments) == 1 else None
    return hint


def _hints(value: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(value)
    except Exception:
        return {}


class Scope:
    """How names read inside one function resolve."""

    def __init__(self, function: types.FunctionType, bound: Any = None) -> None:
        self.bound = bound
        self.globals = function.__globals__
        self.closure: dict[str, Any] = {}
        for name, cell in zip(function.__code__.co_freevars, function.__closure__ or (), strict=True):
            try:
                self.closure[name] = cell.cell_contents
            except ValueError:
                continue
        self.annotations = {name: _plain_type(hint) for name, hint in _hints(function).items()}
        self.owner = self._owner(function)

    def _owner(self, function: types.FunctionType) -> Any:
        parts = function.__qualname__.split(".")
        if len(parts) < 2 or "<locals>" in parts:
            return None
        owner: Any = self.globals.get(parts[0])
        for part in parts[1:-1]:
            owner = getattr(owner, part, None)
        return owner if inspect.isclass(owner) else None

    def resolve(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Name):
            if node.id in ("self", "cls") and self.bound is not None:
                return self.bound
            if node.id in ("self", "cls") and self.owner is not None:
                return Instance(self.owner)
            if node.id in self.annotations and self.annotations[node.id] is not None:
                return Instance(self.annotations[node.id])
            if node.id in self.closure:
                return self.closure[node.id]
            return self.globals.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            if base is None:
                return None
            if isinstance(base, Instance):
                if not inspect.isclass(base.kind):
                    return None
                hint = _hints(base.kind).get(node.attr)
                if hint is not None:
                    return Instance(_plain_type(hint))
                return inspect.getattr_static(base.kind, node.attr, None)
            try:
                return getattr(base, node.attr, None)
            except Exception:
                return None
        return None


class Reader:
    """Follows code from a handler; each function is read once."""

    def __init__(self, packages: tuple[str, ...] = ("virtool_api",)) -> None:
        self._read: dict[Any, Reach] = {}
        self._packages = packages

    def _ours(self, value: Any) -> bool:
        module = str(getattr(value, "__module__", "") or "")
        if module == ServiceError.__module__:
            return False  # the errors' own machinery (`declare`, `format`) raises nothing
        return any(module == package or module.startswith(package + ".") for package in self._packages)

    def function(self, function: Callable[..., Any], bound: Any = None) -> Reach:
        """What a function can answer; `bound`: the object a method is called on, when it is known (a
        module's instance), so that `self.` reads its attributes."""
        function = inspect.unwrap(function)
        key = (function, id(bound))
        if key in self._read:
            return self._read[key]
        self._read[key] = reach = Reach()  # a call cycle reads as nothing more
        if not isinstance(function, types.FunctionType):
            return reach
        definition = _definition(function)
        if definition is None:
            return reach
        where = f"{function.__module__}.{function.__qualname__}"
        first_line = function.__code__.co_firstlineno - 1
        for default in (*(function.__defaults__ or ()), *(function.__kwdefaults__ or {}).values()):
            reach.add(self._error(default, None, f"{where} (a default)"))
        reach.add(self._block(definition.body, Scope(function, bound), where, first_line))
        return reach

    def value(self, value: Any) -> Reach:
        """What a function, or every method of a class, can answer."""
        return self._follow(value)

    def _follow(self, value: Any) -> Reach:
        if isinstance(value, Instance):
            return Reach()
        if isinstance(value, staticmethod | classmethod):
            value = value.__func__
        if inspect.ismethod(value):
            if isinstance(value.__func__, types.FunctionType) and self._ours(value.__func__):
                return self.function(value.__func__, value.__self__)
            return Reach()
        if isinstance(value, property):
            value = value.fget
        if isinstance(value, types.FunctionType) and self._ours(value):
            return self.function(value)
        if inspect.isclass(value) and self._ours(value) and not _is_error_class(value):
            reach = Reach()
            for member in vars(value).values():
                if isinstance(member, types.FunctionType | staticmethod | classmethod | property):
                    reach.add(self._follow(member))
            return reach
        if isinstance(value, dict | list | tuple | set | frozenset) and len(value) <= 100:
            members = value.values() if isinstance(value, dict) else value
            reach = Reach()
            for member in members:
                if isinstance(member, types.FunctionType):
                    reach.add(self._follow(member))
            return reach
        return Reach()

    def _block(self, nodes: Iterable[ast.AST], scope: Scope, where: str, first_line: int) -> Reach:
        reach = Reach()
        for node in nodes:
            reach.add(self._node(node, scope, where, first_line))
        return reach

    def _node(self, node: ast.AST, scope: Scope, where: str, first_line: int) -> Reach:
        if isinstance(node, ast.Try | ast.TryStar):
            return self._try(node, scope, where, first_line)
        reach = Reach()
        at = f"{where} (line {first_line + getattr(node, 'lineno', 1)})"
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Name | ast.Attribute):
            reach.add(self._error(scope.resolve(node.exc), None, at))
        if isinstance(node, ast.Call):
            reach.add(self._call(node, scope, at))
        if isinstance(node, ast.Name | ast.Attribute):
            reach.add(self._follow(scope.resolve(node)))
        children = [node.value] if isinstance(node, ast.Attribute) else list(ast.iter_child_nodes(node))
        reach.add(self._block(children, scope, where, first_line))
        return reach

    def _try(self, node: ast.Try | ast.TryStar, scope: Scope, where: str, first_line: int) -> Reach:
        caught: list[type[BaseException]] = []
        for handler in node.handlers:
            if _raises_again(handler):
                continue
            kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            for kind in kinds:
                value = BaseException if kind is None else scope.resolve(kind)
                if inspect.isclass(value) and issubclass(value, BaseException):
                    caught.append(value)
        reach = self._block(node.body, scope, where, first_line).without(tuple(caught))
        for handler in node.handlers:
            reach.add(self._block(handler.body, scope, where, first_line))
        reach.add(self._block(node.orelse, scope, where, first_line))
        reach.add(self._block(node.finalbody, scope, where, first_line))
        return reach

    def _call(self, call: ast.Call, scope: Scope, at: str) -> Reach:
        """An error built anywhere may be raised (`raise ERROR(...)`, or handed to a function that raises
        it); so may an error class or instance handed to one of our functions."""
        target = call.func
        if isinstance(target, ast.Attribute) and target.attr == "format":
            error = scope.resolve(target.value)
            if _is_error_class(error):
                return self._error(error, None, at)
        called = scope.resolve(target)
        if _is_error_class(called):
            messages = list(call.args) + [
                keyword.value for keyword in call.keywords if keyword.arg == "message"
            ]
            return self._error(called, messages[0] if messages else None, at, scope)
        reach = Reach()
        if isinstance(called, types.FunctionType) and self._ours(called):
            for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
                if isinstance(argument, ast.Name | ast.Attribute):
                    reach.add(self._error(scope.resolve(argument), None, at))
        return reach

    def _error(self, error: Any, message: ast.expr | None, at: str, scope: Scope | None = None) -> Reach:
        """The answers of raising `error` (a class or an instance) with `message` (None: its own)."""
        reach = Reach()
        if isinstance(error, ServiceError):
            reach.answers[(error.status, error.message)] = (type(error), at)
            reach.problems[at] = f"{type(error).__name__} raised as a shared instance: declare it"
            return reach
        if not _is_error_class(error):
            return reach
        if message is None or error.described:
            for text in error.messages():
                reach.answers[(error.status, text)] = (error, at)
            return reach
        text = (
            message.value if isinstance(message, ast.Constant) else scope.resolve(message) if scope else None
        )
        if isinstance(text, str):
            reach.answers[(error.status, text)] = (error, at)
        reach.problems[at] = f"{error.__name__} given its message where it is raised: declare it"
        return reach


def _raises_again(handler: ast.ExceptHandler) -> bool:
    """A handler with a bare `raise` (or raising what it caught) lets the caught errors through."""
    for node in ast.walk(handler):
        if isinstance(node, ast.Raise) and (
            node.exc is None or (isinstance(node.exc, ast.Name) and node.exc.id == handler.name)
        ):
            return True
    return False
