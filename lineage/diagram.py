"""The order of the report's Sankey columns: few crossings, fields by category, sensitive first.

The diagram has four columns: data field → scenario or SDK → recipient → onward processor
(a recipient that receives through another: ``…及其委托的外包服务机构``). ECharts draws each
column's nodes in the order given when its layout does not iterate, so this module decides
that order:

* fields are grouped by category, the categories with the most sensitive flows first, and
  within a category the sensitive fields first;
* every other column, and the fields within their group, follow the barycenter heuristic
  (Sugiyama et al. 1981): a node sits at the weighted mean position of its neighbours in the
  column before (or after), swept down and up a few times; the sweep with the fewest
  crossings is kept;
* an aggregated "other (N)" node comes last in its column.

>>> links = {("f", "v"): {("a", "x"): 1, ("b", "y"): 1}}
>>> crossings(links[("f", "v")], {"a": 0, "b": 1}, {"x": 1, "y": 0})
1
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

COLUMNS = ("f", "v", "r", "o")
"""field, scenario/SDK, recipient, onward processor."""
SWEEPS = 4

Links = dict[tuple[str, str], int]


def crossings(links: Mapping[tuple[str, str], int] | Iterable[tuple[str, str]],
              left: Mapping[str, int], right: Mapping[str, int]) -> int:
    """How many pairs of links between two adjacent columns cross, given each node's position.

    Links from one node, or into one node, never cross each other. Counted as the inversions
    of the right positions once the links are sorted by left then right position (merge sort).
    """
    pairs = sorted((left[a], right[b]) for a, b in links)
    seq = [b for _, b in pairs]

    def count(xs: list[int]) -> tuple[list[int], int]:
        if len(xs) < 2:
            return xs, 0
        mid = len(xs) // 2
        lo, a = count(xs[:mid])
        hi, b = count(xs[mid:])
        merged, inv, i, j = [], a + b, 0, 0
        while i < len(lo) and j < len(hi):
            if hi[j] < lo[i]:  # strictly lower: a crossing with every rest of lo
                merged.append(hi[j])
                inv += len(lo) - i
                j += 1
            else:
                merged.append(lo[i])
                i += 1
        merged += lo[i:] + hi[j:]
        return merged, inv

    return count(seq)[1]


def diagram_links(flows: Iterable[Mapping[str, Any]], name: Any = None) -> dict[tuple[str, str], Links]:
    """The weighted links between adjacent columns: (field, via), (via, recipient) and
    (recipient, onward processor) pairs with their flow counts. An onward processor's flow
    runs via → the recipient that entrusts it → the processor; the via → recipient link counts
    the recipient's own flows (and the processor's, where its recipient's own is not among
    them). A group's heading row (``heading``: its members are listed) is left out. ``name(column, text)`` maps a name (the aggregated "other (N)")."""
    name = name or (lambda _col, text: text)
    out: dict[tuple[str, str], Links] = {pair: Counter() for pair in pairwise(COLUMNS)}
    own: set[tuple[str, str, str]] = set()
    through: list[tuple[str, str, str]] = []
    for f in flows:
        if f.get("heading"):  # a group listed with its members: drawn as its members
            continue
        field, via = name("f", str(f.get("field"))), name("v", str(f.get("via")))
        recipient = name("r", str(f.get("recipient")))
        base = f.get("onward_of")
        out["f", "v"][field, via] += 1
        if base:
            base = name("r", str(base))
            out["r", "o"][base, recipient] += 1
            through.append((str(f.get("field")), via, base))
        else:
            out["v", "r"][via, recipient] += 1
            own.add((str(f.get("field")), via, recipient))
    for field, via, base in through:  # keep the path whole where the recipient's own flow is not shown
        if (field, via, base) not in own:
            own.add((field, via, base))
            out["v", "r"][via, base] += 1
    return {k: dict(v) for k, v in out.items()}


def _positions(order: Sequence[str]) -> dict[str, int]:
    return {n: i for i, n in enumerate(order)}


def _barycenters(nodes: Iterable[str], links: Links, other: Mapping[str, int], *, reverse: bool,
                 ) -> dict[str, float]:
    """Each node's weighted mean neighbour position in ``other`` (``reverse``: links run node←other)."""
    total: dict[str, float] = defaultdict(float)
    weight: dict[str, int] = defaultdict(int)
    for (a, b), w in links.items():
        node, nb = (b, a) if reverse else (a, b)
        if nb in other:
            total[node] += other[nb] * w
            weight[node] += w
    return {n: (total[n] / weight[n] if weight[n] else float("inf")) for n in nodes}


def order_columns(flows: Sequence[Mapping[str, Any]], name: Any = None,
                  others: Iterable[str] = ()) -> dict[str, list[str]]:
    """The top-to-bottom order of each column's nodes (module doc); ``others`` are the
    aggregated names, put last."""
    name = name or (lambda _col, text: text)
    links = diagram_links(flows, name)
    last = set(others)
    category: dict[str, str] = {}
    sensitive: Counter[str] = Counter()
    cat_sensitive: Counter[str] = Counter()
    cat_flows: Counter[str] = Counter()
    for f in flows:
        if f.get("heading"):
            continue
        field = name("f", str(f.get("field")))
        cat = "" if field in last else str(f.get("category") or "")
        category.setdefault(field, cat)
        cat_flows[cat] += 1
        if f.get("sensitive") and field not in last:
            sensitive[field] += 1
            cat_sensitive[cat] += 1
    nodes = {c: set() for c in COLUMNS}
    for (a, b), pair in ((k, p) for p, ls in links.items() for k in ls):
        nodes[pair[0]].add(a)
        nodes[pair[1]].add(b)
    cat_rank = {c: i for i, c in enumerate(sorted(cat_flows, key=lambda c: (c == "", -cat_sensitive[c],
                                                                             -cat_flows[c], c)))}

    def group(field: str) -> tuple[int, int, int]:
        return (field in last, cat_rank.get(category.get(field, ""), 0), 0 if sensitive[field] else 1)

    order = {"f": sorted(nodes["f"], key=lambda n: (*group(n), -sensitive[n], n))}

    def place(col: str, neighbours: list[tuple[tuple[str, str], bool]]) -> None:
        bary: dict[str, list[float]] = {n: [] for n in nodes[col]}
        for pair, reverse in neighbours:
            other = pair[0] if reverse else pair[1]
            pos = _positions(order[other])
            for n, b in _barycenters(nodes[col], links[pair], pos, reverse=reverse).items():
                if b != float("inf"):
                    bary[n].append(b / max(1, len(pos) - 1))  # scale columns of different heights
        key = {n: (sum(v) / len(v) if v else float("inf")) for n, v in bary.items()}
        if col == "f":
            order[col] = sorted(nodes[col], key=lambda n: (*group(n), key[n], n))
        else:
            order[col] = sorted(nodes[col], key=lambda n: (n in last, key[n], n))

    def total() -> int:
        return sum(crossings(links[(a, b)], _positions(order[a]), _positions(order[b]))
                   for a, b in links)

    for col, pair in (("v", ("f", "v")), ("r", ("v", "r")), ("o", ("r", "o"))):
        order[col] = []
        place(col, [(pair, True)])
    best, best_n = {c: list(o) for c, o in order.items()}, total()
    for _ in range(SWEEPS):
        place("v", [(("f", "v"), True), (("v", "r"), False)])  # up: from both sides
        place("f", [(("f", "v"), False)])
        place("v", [(("f", "v"), True)])  # down
        place("r", [(("v", "r"), True), (("r", "o"), False)])
        place("o", [(("r", "o"), True)])
        n = total()
        if n < best_n:
            best, best_n = {c: list(o) for c, o in order.items()}, n
    return best
