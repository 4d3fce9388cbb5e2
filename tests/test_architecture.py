"""The layers of docs/architecture.md, checked on the source: no import cycles, registry never
imports lineage, the Neo4j backend's connection is its bottom, no private names across packages.

Imports inside functions count too: a cycle hidden in a function is still a cycle (issue 13
found ``neo4j_push -> neo4j_backend -> neo4j_push`` that way).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("registry", "lineage")


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    out = {"cli": ROOT / "cli.py"}
    for pkg in PACKAGES:
        for p in sorted((ROOT / pkg).rglob("*.py")):
            out[_module_name(p)] = p
    return out


def _imports(path: Path, name: str, known: dict[str, Path]) -> list[tuple[str, str, int]]:
    """(imported module, imported name or '', line) for every import of a project module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # imports for type checkers only are not imports at run time
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            node.body = []
    out = []
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, "", node.lineno) for a in node.names if a.name.split(".")[0] in (*PACKAGES, "cli")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = name.split(".") if is_pkg else name.split(".")[:-1]
                here = here[: len(here) - (node.level - 1)]
                base = ".".join([*here, base] if base else here)
            if base.split(".")[0] not in (*PACKAGES, "cli"):
                continue
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.append((sub, "", node.lineno) if sub in known else (base, a.name, node.lineno))
    return out


def _graph() -> tuple[nx.DiGraph, list[tuple[str, str, str, int]]]:
    known = _modules()
    G = nx.DiGraph()
    names = []
    for mod, path in known.items():
        for target, imported, line in _imports(path, mod, known):
            if target in known and target != mod:
                G.add_edge(mod, target)
            if imported:
                names.append((mod, target, imported, line))
    return G, names


def test_no_import_cycles():
    G, _ = _graph()
    # a package's __init__ re-exporting its own modules is not a cycle of code
    H = G.copy()
    H.remove_edges_from([(a, b) for a, b in G.edges if b == a.rsplit(".", 1)[0] or a == b.rsplit(".", 1)[0]])
    cycles = list(nx.simple_cycles(H))
    assert cycles == [], cycles[:5]


def test_registry_never_imports_lineage_or_the_cli():
    G, _ = _graph()
    bad = [(a, b) for a, b in G.edges if a.startswith("registry") and b.split(".")[0] in ("lineage", "cli")]
    # check_replacement describes a replacement with lineage.diff (the one way up, asked for lazily)
    assert bad == [("registry.replacement", "lineage.diff")], bad


def test_the_neo4j_connection_is_the_bottom_of_its_backend():
    G, _ = _graph()
    leaves = ("lineage.backends.neo4j.schema", "lineage.backends.neo4j.safety")
    for leaf in leaves:
        assert [b for b in G.successors(leaf) if b.startswith("lineage")] == [], leaf
    ups = [b for b in G.successors("lineage.backends.neo4j.connection") if b.startswith("lineage")]
    assert set(ups) <= set(leaves), ups
    assert not any(b.startswith("lineage.backends.neo4j") for b in G.successors("lineage.backends.networkx"))


def test_no_private_names_imported_across_packages():
    _, names = _graph()
    bad = [(m, t, n, line) for m, t, n, line in names
           if n.startswith("_") and not n.startswith("__") and m.rsplit(".", 1)[0] != t.rsplit(".", 1)[0]
           and not t.startswith(m.rsplit(".", 1)[0] + ".") and m.split(".")[:2] != t.split(".")[:2]]
    assert bad == [], bad


def test_render_only_draws():
    # lineage.render draws any Outcome; what a report says is decided above it (lineage.reports)
    G, _ = _graph()
    assert set(G.successors("lineage.render")) <= {"registry.sections", "registry.errors", "lineage.export_safety"}
    assert "typer" not in (ROOT / "lineage" / "render.py").read_text(encoding="utf-8")


def test_cli_is_thin():
    """cli.py parses and hands an Outcome to lineage.render: it draws nothing itself, loads only
    typer, registry.sections and the commands' shared glue (lineage.commands, itself loading
    nothing more) at start-up, and stays small (26 KB with its renderers before, 19 KB with the
    glue; issue 13 asks ~15 KB)."""
    src = (ROOT / "cli.py").read_text(encoding="utf-8")
    glue = (ROOT / "lineage" / "commands.py").read_text(encoding="utf-8")

    def imports(text: str, walk: bool = False) -> set[str]:
        nodes = list(ast.walk(ast.parse(text))) if walk else ast.parse(text).body
        out = {a.name for n in nodes if isinstance(n, ast.Import) for a in n.names}
        return out | {n.module for n in nodes if isinstance(n, ast.ImportFrom)}

    ours = (*PACKAGES, "rich", "networkx", "pandas")
    assert {m for m in imports(src) if m.split(".")[0] in ours} == {"registry.sections", "lineage.commands"}
    assert {m for m in imports(glue) if m.split(".")[0] in ours} == {"registry.sections"}
    for text in (src, glue):
        assert not imports(text, walk=True) & {"rich", "csv", "json", "rich.table", "rich.console"}
    assert len(src.encode()) < 16_000
