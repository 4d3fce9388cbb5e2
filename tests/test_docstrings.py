"""Every public function of ``registry/`` and ``lineage/`` says in its docstring what it gives back
or why it exists (issue 13: "every public function with a one-line docstring").

The rule, read from the source with :mod:`ast` (nothing is imported):

- A *public function* is a ``def`` or ``async def`` whose name does not start with ``_``, defined
  at module level (also inside a module-level ``if``/``try``/``with``, e.g. a fallback
  definition) or as a method of a *public class*: a class whose name does not start with ``_``,
  defined at module level or inside another public class. Functions nested in functions are
  private to them and not checked; so are the methods of private classes.
- ``__dunder__`` methods are skipped: their meaning is Python's.
- ``@overload`` stubs are skipped: the implementation below them carries the docstring.
- Properties are checked like any method; no exemption for "trivial" ones.
- The docstring must have a non-blank first line (the one-line summary); more lines may follow.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("registry", "lineage")

FunctionDef = ast.FunctionDef | ast.AsyncFunctionDef


def _is_overload(fn: FunctionDef) -> bool:
    names = {ast.unparse(d) for d in fn.decorator_list}
    return bool(names & {"overload", "typing.overload"})


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a module body, looking inside ``if``/``try``/``with`` blocks."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _module_level(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            yield from _module_level(
                node.body + [s for h in node.handlers for s in h.body] + node.orelse + node.finalbody)
        elif isinstance(node, ast.With):
            yield from _module_level(node.body)
        else:
            yield node


def public_functions(tree: ast.Module) -> Iterator[tuple[str, FunctionDef]]:
    """(qualified name, node) of every public function and public-class method in ``tree``.

    >>> src = "def a(): pass\\ndef _b(): pass\\nclass C:\\n    def m(self): pass\\n    def __init__(self): pass"
    >>> [q for q, _ in public_functions(ast.parse(src))]
    ['a', 'C.m']
    """

    def walk(body: list[ast.stmt], prefix: str) -> Iterator[tuple[str, FunctionDef]]:
        for node in _module_level(body):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                name = node.name
                if name.startswith("_") or _is_overload(node):
                    continue
                yield prefix + name, node
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                yield from walk(node.body, f"{prefix}{node.name}.")

    yield from walk(tree.body, "")


def _has_summary(fn: FunctionDef) -> bool:
    doc = ast.get_docstring(fn)
    return bool(doc and doc.strip().splitlines()[0].strip())


def _sources() -> list[Path]:
    return [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]


def test_the_rule_sees_the_packages():
    """The walk finds the modules and functions it should (a wrong root would pass vacuously)."""
    found = {
        f"{p.relative_to(ROOT).as_posix()}:{q}"
        for p in _sources()
        for q, _ in public_functions(ast.parse(p.read_text(encoding="utf-8")))
    }
    assert "lineage/impact.py:add_partner" in found
    assert "registry/model.py:Registry.policy" in found
    assert not any(q.split(":")[1].split(".")[-1].startswith("_") for q in found)


def test_every_public_function_has_a_docstring():
    missing = [
        f"{p.relative_to(ROOT).as_posix()}:{fn.lineno}: {q}"
        for p in _sources()
        for q, fn in public_functions(ast.parse(p.read_text(encoding="utf-8"), filename=str(p)))
        if not _has_summary(fn)
    ]
    assert not missing, f"{len(missing)} public functions without a docstring:\n" + "\n".join(missing)
