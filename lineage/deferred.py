"""An answer whose rows are built only when something reads them.

A question across a thousand apps may state a hundred thousand flows. A person at a terminal
reads one row per recipient (:func:`lineage.summary.by_recipient`), which the registry
database's lean flows give without building a single row dict (:mod:`lineage.scoped`); the
rows themselves are what ``--json``, ``--csv`` and ``--flows`` print. The command line asks
the backend for the rows before it knows which of the two it will show, so the answer it gets
is a :class:`DeferredAnswer`: it knows how many rows it holds, summarizes itself on request,
and builds its rows the first time anything reads them, after which it is the plain list of
rows it stands for.

>>> a = DeferredAnswer(2, lambda: [{"n": 1}, {"n": 2}], lambda per_app, evidence: [{"summary": per_app}])
>>> len(a), a.built, a.lean_summary(per_app=True, evidence=False)
(2, False, [{'summary': True}])
>>> [r["n"] for r in a], a.built, a == [{"n": 1}, {"n": 2}]
([1, 2], True, True)
>>> a.lean_summary(per_app=True, evidence=False) is None   # built: summarize the rows themselves
True
>>> a == DeferredAnswer(2, lambda: [{"n": 1}, {"n": 2}], None), a + a == [*a, *a]
(True, True)
>>> import copy, pickle
>>> b = pickle.loads(pickle.dumps(a))
>>> copy.copy(DeferredAnswer(1, lambda: [{"n": 1}], None)) == b[:1] == [{"n": 1}], type(b).__name__, b.possible
(True, 'Answer', 0)
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import Any

from lineage.names import Answer


class DeferredAnswer(Answer):
    """An :class:`~lineage.names.Answer` of ``count`` rows that ``build`` returns on first use.

    ``summarize(per_app, evidence)`` gives :func:`lineage.summary.by_recipient` of the rows
    without building them (a test holds the two equal). Reading the rows in any way (iterating,
    indexing, comparing, ``json.dumps``) builds them first; ``len`` and truth do not.
    """

    def __init__(self, count: int, build: Callable[[], list[dict[str, Any]]],
                 summarize: Callable[[bool, bool], list[dict[str, Any]]], match: Any = None) -> None:
        super().__init__((), match)
        self._count = count
        self._build: Callable[[], list[dict[str, Any]]] | None = build
        self._summarize = summarize

    @property
    def built(self) -> bool:
        """Whether the rows have been built."""
        return self._build is None

    def rows(self) -> DeferredAnswer:
        """The answer with its rows built (once)."""
        build = self._build
        if build is not None:
            self._build = None
            list.extend(self, build())
        return self

    def lean_summary(self, *, per_app: bool = False, evidence: bool = True) -> list[dict[str, Any]] | None:
        """:func:`lineage.summary.by_recipient` of the rows, or None once they are built."""
        return None if self.built else self._summarize(per_app, evidence)

    def __len__(self) -> int:
        return self._count if self._build is not None else list.__len__(self)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __repr__(self) -> str:
        return list.__repr__(self.rows())

    def __reduce_ex__(self, protocol: Any) -> Any:
        """A copy, or a pickle, is the plain :class:`~lineage.names.Answer` of the built rows."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("_build", "_summarize", "_count")}
        return Answer, (list(self.rows()),), state

    __hash__ = None  # type: ignore[assignment]


def _reads(name: str) -> Callable[..., Any]:
    method = getattr(list, name)

    def read(self: DeferredAnswer, *args: Any, **kwargs: Any) -> Any:
        # (list's own methods read another list's storage directly: build a deferred one too)
        args = tuple(a.rows() if isinstance(a, DeferredAnswer) else a for a in args)
        return method(self.rows(), *args, **kwargs)

    read.__name__ = name
    read.__doc__ = method.__doc__
    return read


for _name in ("__iter__", "__reversed__", "__getitem__", "__contains__", "__eq__", "__ne__", "__lt__",
              "__le__", "__gt__", "__ge__", "__add__", "__mul__", "__rmul__", "__iadd__", "__imul__",
              "__setitem__", "__delitem__", "append", "extend", "insert", "pop", "remove", "clear", "index",
              "count", "sort", "reverse", "copy", "__sizeof__"):
    setattr(DeferredAnswer, _name, _reads(_name))


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a question builds its rows.

    Across a thousand apps a question makes tens of thousands of row dicts, each of which
    counts towards the collector's next pass over every object alive (the names, the modules):
    a third of the question's time. Rows hold no cycles, reference counting frees them, so
    nothing waits for the collector; it runs again as before once the rows are built.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
