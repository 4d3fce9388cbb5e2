"""Lineage exports for auditors: CSV, XLSX, JSON, GraphML, HTML, Markdown, registry YAML.

>>> import tempfile, pathlib
>>> from registry import open_registry
>>> out = pathlib.Path(tempfile.mkdtemp()) / "gaode.csv"
>>> export(open_registry(), "csv", out, recipient="高德软件有限公司")["rows"]
8

Every format is written from the same selection of flows (:func:`select`): the
rows ``who-receives`` (``field``) or ``fields-of`` (``recipient``) print, or every
flow. Every file carries its provenance and is written atomically (a temp file
renamed into place), so a failed export leaves no half file. The formats, their
columns and shapes are documented in docs/exports.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from lineage.exports.common import GROUP_BY, ExportError, Selection, select
from registry.model import Registry

FORMATS = ("csv", "xlsx", "json", "graphml", "html", "markdown", "yaml")
TABULAR = ("csv", "xlsx")

__all__ = ["FORMATS", "GROUP_BY", "ExportError", "Selection", "export", "load_graph_json", "select"]


def load_graph_json(path: str | Path) -> nx.MultiDiGraph:
    """A graph written by the JSON export, loaded back (see lineage.exports.json_graph)."""
    from lineage.exports.json_graph import load_graph_json as load

    return load(path)


def _check(fmt: str, group_by: str | None, field: str | None, recipient: str | None) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if group_by is not None and fmt not in TABULAR:
        raise ExportError(f"--group-by applies to {' and '.join(TABULAR)}, not {fmt}")
    if fmt == "yaml" and (field or recipient):
        raise ExportError("yaml writes one app's whole policy (registry as code): "
                          "--field and --recipient do not apply")


def _yaml(registry_or_graph: Registry | nx.MultiDiGraph, app: str | None, path: str | Path,
          ) -> dict[str, Any]:
    from lineage.exports.common import write_text
    from registry.readers.registry_yaml import registry_to_yaml
    from registry.suggest import check_app

    if not isinstance(registry_or_graph, Registry):
        raise ExportError("yaml is written from a registry, not from a graph")
    reg = registry_or_graph
    check_app(reg.apps, app)
    if app is None:
        if len(reg.apps) != 1:
            raise ExportError(f"yaml writes one app's policy: give --app (one of {len(reg.apps)})")
        app = reg.apps[0]
    text = registry_to_yaml(reg.policies[app])
    write_text(path, lambda: text)
    return {"app": app}


def export(
    registry_or_graph: Registry | nx.MultiDiGraph,
    fmt: str,
    path: str | Path,
    *,
    app: str | None = None,
    field: str | None = None,
    recipient: str | None = None,
    group_by: str | None = None,
) -> dict[str, Any]:
    """Write the lineage (of ``app``; of the flows of ``field`` or to ``recipient``) as ``fmt``.

    ``group_by`` (``field`` or ``recipient``) folds the CSV and XLSX rows, one per
    field or recipient. The HTML export's audit reads the policy texts the registry
    holds, never a file. Returns what was written (format, path,
    counts). Raises :class:`ExportError` and the question's errors (unknown field,
    recipient or app) before anything is written.
    """
    fmt = fmt.lower()
    _check(fmt, group_by, field, recipient)
    if fmt == "html" and isinstance(registry_or_graph, Registry) and not (field or recipient):
        from lineage.exports.html import check_report_size

        # refuse an oversized report before building its graph (the registry knows its size)
        if app is None or app in registry_or_graph.policies:
            reg = registry_or_graph
            check_report_size(sum(len(reg.policies[a].flows) for a in ([app] if app else reg.apps)))
    if fmt == "yaml":
        result = _yaml(registry_or_graph, app, path)
    else:
        sel = select(registry_or_graph, app=app, field=field, recipient=recipient, group_by=group_by)
        if fmt == "csv":
            from lineage.exports.csv_export import write_csv

            result = write_csv(sel, path, group_by=group_by)
        elif fmt == "xlsx":
            from lineage.exports.xlsx import write_xlsx

            result = write_xlsx(sel, path, group_by=group_by)
        elif fmt == "json":
            from lineage.exports.json_graph import write_json

            result = write_json(sel, path)
        elif fmt == "graphml":
            from lineage.exports.graphml import write_graphml_file

            result = write_graphml_file(sel, path)
        elif fmt == "html":
            from lineage.exports.html import write_html

            result = write_html(sel, path)
        else:
            from lineage.exports.markdown import write_markdown

            result = write_markdown(sel, path)
    return {"format": fmt, "path": str(path), **result}
