"""The ``sharegraph`` command line: parse, call one library function, render.

A command gets plain data back: rows, or an :class:`~registry.sections.Outcome` (the ``--json``
document, titled sections or a tree for people, stderr notes, the exit code) built by
``registry.import_run`` or ``lineage.reports``. Three generic renderers draw it: :func:`render`
(a rich table for people, tab-separated lines in a pipe, ``--json``, ``--csv``),
:func:`render_sections` and :func:`render_tree`. Library errors
(:class:`registry.errors.SharegraphError`) are caught once, in :func:`_guard`, and printed as
one line on stderr. pandas and the neo4j driver are imported only inside the commands that use them.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from registry.errors import SharegraphError
from registry.sections import Outcome, Section, TreeNode
from registry.sections import cell as _cell

app = typer.Typer(
    name="sharegraph",
    help="Where personal data goes once a company shares it: a sharing registry and lineage graph "
    "built from privacy policies. Without --registry, commands use the bundled seed policy.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

RegistryOpt = Annotated[
    Path | None,
    typer.Option("--registry", "-r", help="Registry file (default: the bundled seed registry).",
                 dir_okay=False),
]
AppOpt = Annotated[str | None, typer.Option("--app", "-a", help="Only this app's policy.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV rows.")]
EvidenceOpt = Annotated[bool, typer.Option("--evidence", "-e", help="Show the evidence (file:line) of each row.")]
BackendOpt = Annotated[
    str,
    typer.Option("--backend", "-b", help="networkx (the registry file, in memory) or neo4j (NEO4J_URI…)."),
]

F = TypeVar("F", bound=Callable[..., Any])


def _guard(fn: F) -> F:
    """Turn library errors into one line on stderr and the error's exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SharegraphError as e:
            typer.echo(f"error: {e}", err=True)
            raise typer.Exit(e.exit_code) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


def _summary(doc: str | None) -> str:
    """A command's line in ``--help``: its docstring's first paragraph, whole (click would cut
    it at 45 characters, or at the first full stop, e.g. ``Art.``)."""
    return " ".join((doc or "").split("\n\n")[0].split())


def command(name: str, group: typer.Typer | None = None) -> Callable[[F], F]:
    """Register ``fn`` as command ``name`` (of ``group``), its errors caught by :func:`_guard`."""

    def deco(fn: F) -> F:
        (group or app).command(name, short_help=_summary(fn.__doc__))(_guard(fn))
        return fn

    return deco


# -- rendering -------------------------------------------------------------------------------

def render(
    rows: list[dict[str, Any]] | dict[str, Any],
    *,
    columns: list[str] | None = None,
    as_json: bool = False,
    as_csv: bool = False,
    title: str | None = None,
    titled: bool = False,
) -> None:
    """Print rows as a rich table, JSON or CSV (JSON keeps every key; tables show ``columns``).

    A table goes to a terminal as a rich table, and to a pipe or file as tab-separated lines
    (after an ``== title`` line if ``titled``: one of several tables).
    """
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        return
    if isinstance(rows, dict):
        _render_mapping(rows, title)
        return
    cols = columns or (list(rows[0]) if rows else [])
    if as_csv:
        from lineage.export_safety import neutralize

        w = csv.writer(sys.stdout)
        w.writerow(cols)
        for r in rows:
            w.writerow([neutralize(_cell(r.get(c))) for c in cols])
        return
    if not sys.stdout.isatty():
        _render_tsv(cols, [[_cell(r.get(c)) for c in cols] for r in rows], title if titled else None)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, highlight=False)
    for c in cols:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*(_escape(_cell(r.get(c))) for c in cols))
    console = Console()
    console.print(table)
    if not rows:
        console.print("(no rows)")


def _render_tsv(header: list[str], rows: list[list[str]], title: str | None = None) -> None:
    """Piped output: tab-separated lines, one per row, for grep, cut and awk (like `gh`)."""

    def clean(v: str) -> str:
        return v.replace("\t", " ").replace("\r", " ").replace("\n", " ")

    out = [f"== {title}"] if title else []
    out += ["\t".join(header), *("\t".join(clean(v) for v in r) for r in rows)]
    sys.stdout.write("\n".join(out) + "\n")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _render_mapping(data: dict[str, Any], title: str | None) -> None:
    if not sys.stdout.isatty():
        _render_tsv(["key", "value"], [[str(k), _cell(v)] for k, v in data.items()])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_header=False)
    table.add_column("key")
    table.add_column("value", overflow="fold")
    for k, v in data.items():
        table.add_row(_escape(str(k)), _escape(_cell(v)))
    Console().print(table)


def render_sections(sections: list[Section]) -> None:
    """Titled sections in order: lines under an ``== title`` line, rows as a titled table
    (piped, the title line stays before its tab-separated rows); a blank line before each title."""
    for i, sec in enumerate(sections):
        if i and sec.title:
            typer.echo("")
        if sec.is_table:
            render(sec.rows or [], columns=sec.columns, title=sec.title, titled=len(sections) > 1)
            continue
        if sec.title:
            typer.echo(f"== {sec.title}")
        for line in sec.lines:
            typer.echo(line)


def render_tree(root: TreeNode) -> None:
    """A tree report (``lineage``) as a rich tree."""
    from rich.console import Console
    from rich.tree import Tree

    def build(node: TreeNode, into: Tree) -> None:
        for child in node.children:
            build(child, into.add(_escape(child.label)))

    tree = Tree(_escape(root.label))
    build(root, tree)
    Console().print(tree)


def show(out: Outcome, as_json: bool = False, as_csv: bool = False) -> None:
    """Print an outcome (its JSON, CSV, tree or sections), its notes and errors; exit with its code."""
    if out.to_stderr:  # stdout holds the file the command wrote
        with contextlib.redirect_stdout(sys.stderr):
            return show(replace(out, to_stderr=False), as_json)
    for note in [] if as_json or as_csv else out.notes:
        typer.echo(note, err=True)
    if as_json:
        render(out.data, as_json=True)
    elif as_csv:
        table = next(s for s in out.sections if s.is_table)
        render(table.rows or [], columns=table.columns, as_csv=True)
    elif out.tree is not None:
        render_tree(out.tree)
    else:
        render_sections(out.sections)
    for e in out.errors:  # one line each on stderr, like any other error
        typer.echo(f"error: {e}", err=True)
    if out.exit_code:
        raise typer.Exit(out.exit_code)


# -- loading -------------------------------------------------------------------------------

def _registry(path: Path | None):
    from registry import open_registry

    return open_registry(path)


def _backend(name: str, registry: Path | None, app_name: str | None = None):
    """The backend that answers the questions: networkx on a registry file, or Neo4j."""
    from lineage.backends import BACKENDS, open_backend

    if name not in BACKENDS:
        raise typer.BadParameter(f"must be {' or '.join(repr(b) for b in BACKENDS)}", param_hint="--backend")
    return open_backend(name, registry=_registry(registry) if name == "networkx" else None, app=app_name)


# -- registry commands ---------------------------------------------------------------------

@command("import")
def import_cmd(
    sources: Annotated[list[Path], typer.Argument(help="Policy documents (text, HTML, Markdown, JSON/YAML lists, registry-as-code YAML), folders of them, or registry files whose apps to add.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Registry file to create or add to (SQLite; JSON if the name ends in .json).")] = Path("registry.db"),
    app_name: Annotated[str | None, typer.Option("--app", "-a", help="App name (default: the name the document gives itself); one document only.")] = None,
    layout: Annotated[str | None, typer.Option("--layout", help="flattened-text, html, markdown or registry-yaml (default: from the extension and content).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1, nothing written) if anything was left out, guessed or unresolved.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar when importing many documents.")] = True,
    replace: Annotated[bool, typer.Option("--replace", help="Replace an app even if the new import loses most or all of its flows.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import privacy policies' sharing lists, SDK tables and permission tables into a registry.

    Replacing an app prints what changed; an import that finds no flows, or that would lose
    most of an app's flows (without --replace), is refused and nothing is written."""
    from registry.import_run import import_sources

    show(import_sources(sources, output, app=app_name, layout=layout, strict=strict, replace=replace,
                        progress=progress and sys.stderr.isatty()), as_json)


@command("stats")
def stats_cmd(registry: RegistryOpt = None, app_name: AppOpt = None, as_json: JsonOpt = False) -> None:
    """Counts of what the registry holds (sharing rows, SDKs, recipients, fields, flows…)."""
    from registry.stats import stats

    render(stats(_registry(registry), app=app_name), as_json=as_json, title="registry")


@command("lint")
def lint_cmd(registry: RegistryOpt = None, app_name: AppOpt = None, as_json: JsonOpt = False) -> None:
    """List fields and recipients that do not resolve against data/ (exit 1 if any)."""
    from registry.lint import lint

    rows = lint(_registry(registry), app=app_name)
    render(rows, as_json=as_json, columns=["app", "kind", "name", "as_written", "suggestions"],
           title="unresolved names")
    if rows:
        raise typer.Exit(1)


# -- questions --------------------------------------------------------------------------------

WHO_COLUMNS = ["app", "field", "relation", "implied_via", "channel", "via", "recipient"]


@command("who-receives")
def who_receives_cmd(
    field: Annotated[str, typer.Argument(help="A data field, by any alias (身份证号, 设备信息, IMEI…), part of "
                                         "a field as written (Full audio), or a list (姓名、手机号).")],
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    explicit: Annotated[bool, typer.Option("--explicit", help="Only rows that write the field itself.")] = False,
    possible: Annotated[bool, typer.Option(
        "--possible", help="Also rows that share a group the vocabulary puts the field in, where the "
                           "policy lists no members: the recipient may get it (relation 'group').")] = False,
    evidence: EvidenceOpt = False,
    backend: BackendOpt = "networkx",
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Every recipient of a field the policy states, by scenario or SDK, explicit or through a group."""
    from lineage.reports import question_outcome

    rows = _backend(backend, registry, app_name).who_receives(
        field, app=app_name, include_implied=not explicit, include_possible=possible)
    show(question_outcome(rows, WHO_COLUMNS, f"who receives {field}", evidence=evidence, as_csv=as_csv,
                          as_json=as_json), as_json, as_csv)


@command("fields-of")
def fields_of_cmd(
    recipient: Annotated[str, typer.Argument(help="A recipient, by legal name, alias, brand, or part of its "
                                             "name if only one recipient has it.")],
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    evidence: EvidenceOpt = False,
    backend: BackendOpt = "networkx",
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """What one recipient receives, across scenarios and SDKs, sensitive fields first."""
    from lineage.reports import question_outcome

    rows = _backend(backend, registry, app_name).fields_of(recipient, app=app_name)
    cols = ["app", "field", "sensitive", "relation", "implied_via", "channel", "via", "recipient_as_written"]
    show(question_outcome(rows, cols, f"fields received by {recipient}", evidence=evidence, as_csv=as_csv,
                          as_json=as_json), as_json, as_csv)


@command("exposure")
def exposure_cmd(
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    category: Annotated[str | None, typer.Option(help="Only fields of this category (GB/T 35273 Annex A).")] = None,
    sensitive: Annotated[bool | None, typer.Option("--sensitive/--not-sensitive", help="Only sensitive (or only non-sensitive) fields.")] = None,
    channel: Annotated[str | None, typer.Option(help="Only 'sharing' or 'sdk' flows.")] = None,
    limit: Annotated[int | None, typer.Option(help="Show the top N of each ranking.")] = None,
    backend: BackendOpt = "networkx",
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Fields ranked by how many recipients get them; recipients ranked by sensitive fields."""
    if channel not in (None, "sharing", "sdk"):
        raise typer.BadParameter("must be 'sharing' or 'sdk'", param_hint="--channel")
    data = _backend(backend, registry, app_name).exposure(
        app=app_name, category=category, sensitive=sensitive, channel=channel, limit=limit)
    from lineage.reports import exposure_outcome

    show(exposure_outcome(data, as_csv=as_csv), as_json, as_csv)


@command("lineage")
def lineage_cmd(
    field: Annotated[str, typer.Argument(help="A data field, by any alias.")],
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    backend: BackendOpt = "networkx",
    as_json: JsonOpt = False,
) -> None:
    """The paths of a field: how it is collected, through which scenario or SDK, to whom."""
    from lineage.reports import lineage_outcome

    show(lineage_outcome(_backend(backend, registry, app_name).lineage(field, app=app_name), field), as_json)


impact_app = typer.Typer(help="What-if analysis: add a partner, lose one, or a partner breach.",
                         no_args_is_help=True)
app.add_typer(impact_app, name="impact", short_help=_summary(impact_app.info.help))


ApplyOpt = Annotated[bool, typer.Option("--apply", help="Write the changed registry to -o.")]
ApplyOutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Registry file --apply writes.")]


def _apply_to(apply: bool, output: Path | None) -> Path | None:
    """Where ``--apply`` writes the changed registry (None: it is not written)."""
    if apply and output is None:
        raise typer.BadParameter("--apply needs -o NEW.json", param_hint="--apply")
    return output if apply else None


@command("add-partner", impact_app)
def add_partner_cmd(
    name: Annotated[str | None, typer.Argument(help="The partner's name (or give --from-yaml).")] = None,
    scenario: Annotated[str | None, typer.Option("--scenario", "-s", help="Scenario (sharing-list row) to add it to.")] = None,
    sdk: Annotated[str | None, typer.Option("--sdk", help="SDK the partner provides.")] = None,
    fields: Annotated[str | None, typer.Option("--fields", "-f", help="Comma-separated fields (default: all of the scenario's).")] = None,
    from_yaml: Annotated[Path | None, typer.Option("--from-yaml", help="A YAML file describing the partner.")] = None,
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    apply: ApplyOpt = False,
    output: ApplyOutputOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Adding a partner: new field exposures, sensitive ones, ranking moves, the appendix row to change."""
    if not name and from_yaml is None:
        raise typer.BadParameter("give the partner's NAME or --from-yaml", param_hint="NAME")
    to = _apply_to(apply, output)
    from lineage.reports import add_partner_outcome

    show(add_partner_outcome(_registry(registry), name, app=app_name, scenario=scenario, sdk=sdk, fields=fields,
                             from_yaml=from_yaml, output=to), as_json)


@command("remove-partner", impact_app)
def remove_partner_cmd(
    name: Annotated[str, typer.Argument(help="The partner, by legal name, alias or brand.")],
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    apply: ApplyOpt = False,
    output: ApplyOutputOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Losing a partner: the blast radius, and fields left with no recipient in a scenario."""
    to = _apply_to(apply, output)
    from lineage.impact import remove_partner
    from lineage.reports import impact_outcome

    show(impact_outcome(*remove_partner(_registry(registry), name, app=app_name), to), as_json)


@command("breach", impact_app)
def breach_cmd(
    name: Annotated[str, typer.Argument(help="The breached partner.")],
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    backend: BackendOpt = "networkx",
    as_json: JsonOpt = False,
) -> None:
    """A partner breach: every field it holds, from which apps, scenarios and SDKs."""
    from lineage.reports import impact_outcome

    show(impact_outcome(_backend(backend, registry, app_name).breach(name, app=app_name)), as_json)


@command("diff")
def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The older registry file.", dir_okay=False)],
    new: Annotated[Path, typer.Argument(help="The newer registry file.", dir_okay=False)],
    app_name: AppOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What changed between two registries: sensitive changes first (exit 1 if anything changed)."""
    from lineage.diff import diff
    from lineage.reports import diff_outcome
    from registry import load_registry

    show(diff_outcome(diff(load_registry(old), load_registry(new), app=app_name)), as_json)


@command("top-recipients")
def top_recipients_cmd(
    field: Annotated[str, typer.Argument(help="A data field, by any alias.")],
    registry: RegistryOpt = None,
    limit: Annotated[int | None, typer.Option(help="Show the top N.")] = None,
    backend: BackendOpt = "networkx",
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Cross-app: the recipients of a field, ranked by how many apps give it to them."""
    rows = _backend(backend, registry).recipients_by_apps(field, limit=limit)
    render(rows, columns=["recipient", "kind", "apps", "app_list"], as_json=as_json, as_csv=as_csv,
           title=f"recipients of {field} by apps")


@command("sensitive-unnamed")
def sensitive_unnamed_cmd(
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    evidence: EvidenceOpt = False,
    backend: BackendOpt = "networkx",
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Cross-app: which apps share sensitive fields with unnamed or onward recipients."""
    rows = _backend(backend, registry, app_name).sensitive_to_unnamed(app=app_name)
    cols = ["app", "field", "via", "recipient", "recipient_kind", "onward_of"] + (
        ["evidence"] if evidence or as_csv else [])
    render(rows, columns=cols, as_json=as_json, as_csv=as_csv, title="sensitive fields to unnamed recipients")


# -- neo4j -------------------------------------------------------------------------------------

neo4j_app = typer.Typer(
    help="Push the lineage graph to a Neo4j server and query it in Cypher "
    "(NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE; see docs/neo4j.md).",
    no_args_is_help=True,
)
app.add_typer(neo4j_app, name="neo4j", short_help=_summary(neo4j_app.info.help))


@command("push", neo4j_app)
def neo4j_push_cmd(
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per write transaction.")] = 5000,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="Do not show a progress bar.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Rewrite apps already pushed with the same content.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write the registry's lineage graph to Neo4j; a new version of an app replaces the old one."""
    from lineage.backends.neo4j import driver_from_env
    from lineage.backends.neo4j.push import push

    reg = _registry(registry)
    driver, database = driver_from_env()
    try:
        result = push(driver, reg, app=app_name, database=database, batch_size=batch_size,
                      progress=not no_progress, force=force).as_dict()
    finally:
        driver.close()
    from lineage.reports import push_outcome

    show(push_outcome(result), as_json)


def _param(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise typer.BadParameter(f"{text!r}: expected NAME=VALUE", param_hint="--param")
    try:
        return key.strip(), json.loads(value)
    except ValueError:
        return key.strip(), value


@command("query", neo4j_app)
def neo4j_query_cmd(
    cypher: Annotated[str, typer.Argument(help="A read-only Cypher query, e.g. 'MATCH (f:Field) RETURN count(f)'.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="A query parameter NAME=VALUE (VALUE read as JSON when it parses, else as text); repeatable.")] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Run a read-only Cypher query (a query that writes is refused)."""
    from lineage.backends.neo4j import driver_from_env, query

    params = dict(_param(p) for p in param or [])
    driver, database = driver_from_env()
    try:
        rows = query(driver, cypher, params, database=database)
    finally:
        driver.close()
    render(rows, as_json=as_json, as_csv=as_csv)


# -- audit -------------------------------------------------------------------------------------

FAIL_LEVELS = ("error", "warning", "note")


@command("audit")
def audit_cmd(
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    text: Annotated[Path | None, typer.Option(
        "--text", "-t", dir_okay=False,
        help="The policy document, in place of the text the registry holds (default: the registry's).")] = None,
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", metavar="LEVEL",
        help="Exit 1 if a finding of LEVEL or more severe exists (error, warning, note): a release gate.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Audit the disclosures: one finding per gap, each with its rule, level and evidence.

    Art. 23 completeness, unnamed recipients, sensitive data and consent, tables against the
    policy's prose, each recipient's capacity, duplicates (see docs/audit.md)."""
    if fail_on is not None and fail_on not in FAIL_LEVELS:
        raise typer.BadParameter("must be error, warning or note", param_hint="--fail-on")
    from lineage.reports import audit_outcome

    show(audit_outcome(_registry(registry), app=app_name, text=text, fail_on=fail_on), as_json)


# -- export ------------------------------------------------------------------------------------

EXPORT_FORMATS = ("csv", "xlsx", "json", "graphml", "html", "markdown", "yaml")  # = lineage.exports.FORMATS
ExportFormat = Enum("ExportFormat", {f: f for f in EXPORT_FORMATS}, type=str)
GroupBy = Enum("GroupBy", {g: g for g in ("field", "recipient")}, type=str)


@command("export")
def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="csv (record of processing, UTF-8 with BOM), xlsx, json (the graph), graphml (Gephi, "
             "yEd, Cytoscape), html (offline report), markdown (summary), yaml (registry as code).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write; - writes to stdout.")],
    registry: RegistryOpt = None,
    app_name: AppOpt = None,
    field: Annotated[str | None, typer.Option(
        "--field", help="Only the flows of this field (as who-receives: its members and groups too).")] = None,
    recipient: Annotated[str | None, typer.Option(
        "--recipient", help="Only the flows to this recipient (as fields-of).")] = None,
    group_by: Annotated[GroupBy | None, typer.Option(
        "--group-by", help="csv and xlsx: one row per field or per recipient, other values joined.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the lineage to a file for auditors: CSV, XLSX, JSON, GraphML, HTML report, Markdown, YAML
    (see docs/exports.md)."""
    if str(output) == "-" and fmt.value == "xlsx" and sys.stdout.isatty():
        from registry.errors import OutputPathError

        raise OutputPathError("-o -: xlsx is a binary file: redirect stdout (> file.xlsx) or give a file")
    from lineage.reports import export_outcome

    show(export_outcome(_registry(registry), fmt.value, output, app=app_name, field=field, recipient=recipient,
                        group_by=group_by.value if group_by is not None else None), as_json)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
