"""The ``sharegraph`` command line: parse, call one library function, render.

Each command parses its options and returns the :class:`~registry.sections.Outcome` of one
function (``lineage.reports``, ``registry.import_run``); ``lineage.commands.command`` makes it a
command with ``--json``/``--csv`` and draws it with ``lineage.render``. Errors are one
``error: …`` line on stderr. Only typer loads at start-up.
"""

from __future__ import annotations

import gc
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from lineage.commands import Group, choice, print_version, summary
from lineage.commands import command as _command
from registry.sections import Outcome

Opt, Arg = typer.Option, typer.Argument


app = typer.Typer(
    name="sharegraph", cls=Group, no_args_is_help=True, add_completion=False, rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Where personal data goes once a company shares it: a sharing registry and lineage graph "
    "built from privacy policies. Without --registry, commands use the bundled seed policy.")


@app.callback()
def _root(version: Annotated[bool, Opt(
        "--version", callback=print_version, is_eager=True, help="Print the version and exit.")] = False) -> None:
    pass


BACKENDS = ("networkx", "neo4j")  # = lineage.backends.BACKENDS
EXPORT_FORMATS = ("csv", "xlsx", "json", "graphml", "html", "markdown", "yaml")  # = lineage.exports.FORMATS
Backend, ExportFormat = choice("Backend", *BACKENDS), choice("ExportFormat", *EXPORT_FORMATS)
Channel, GroupBy = choice("Channel", "sharing", "sdk"), choice("GroupBy", "field", "recipient")
NX = Backend("networkx")

RegistryOpt = Annotated[Path | None, Opt(
    "--registry", "-r", dir_okay=False, help="Registry file (default: the bundled seed registry).")]
AppOpt = Annotated[str | None, Opt("--app", "-a", help="Only this app's policy.")]
EvidenceOpt = Annotated[bool, Opt("--evidence", "-e", help="Show the evidence (file:line) of each row.")]
BackendOpt = Annotated[Backend, Opt(
    "--backend", "-b", help="networkx (the registry file, in memory) or neo4j (NEO4J_URI…).")]
LimitOpt = Annotated[int | None, Opt(help="Show the top N of each ranking.")]
FieldArg = Annotated[str, Arg(help="A data field, by any alias.")]
ApplyOpt = Annotated[bool, Opt("--apply", help="Write the changed registry to -o.")]
ApplyToOpt = Annotated[Path | None, Opt("--output", "-o", help="Registry file --apply writes.")]


def command(name: str, group: typer.Typer | None = None, csv: bool = False) -> Any:
    """The function below as command ``name`` of ``group`` (default: the root)."""
    return _command(group or app, name, csv)


def _registry(path: Path | None) -> Any:
    from registry import open_registry

    return open_registry(path)


def _backend(name: Enum, registry: Path | None, app_name: str | None = None) -> Any:
    from lineage.reports import backend_for

    return backend_for(name.value, registry, app_name)


@command("import")
def import_cmd(
    sources: Annotated[list[Path], Arg(help="Policy documents, folders of them, or registry files to copy.")],
    output: Annotated[Path, Opt("--output", "-o", help="Registry to create or add to (.json: JSON).")] = Path("registry.db"),
    app_name: Annotated[str | None, Opt("--app", "-a", help="App name (default: the document's own).")] = None,
    layout: Annotated[str | None, Opt(help="Force a reader: html, markdown, flattened-text….")] = None,
    strict: Annotated[bool, Opt("--strict", help="Exit 1, writing nothing, if anything was left out, guessed or unresolved.")] = False,
    progress: Annotated[bool, Opt("--progress/--no-progress", help="Progress bar for many documents.")] = True,
    replace: Annotated[bool, Opt("--replace", help="Replace an app even if it loses most of its flows.")] = False,
) -> Outcome:
    """Import privacy policies' sharing lists, SDK tables and permission tables into a registry.

    Replacing an app prints what changed; an import that finds no flows, or that would lose
    most of an app's flows (without --replace), is refused and nothing is written."""
    from registry.import_run import import_sources

    return import_sources(sources, output, app=app_name, layout=layout, strict=strict, replace=replace,
                          progress=progress and sys.stderr.isatty())


@command("stats")
def stats_cmd(registry: RegistryOpt = None, app_name: AppOpt = None) -> Outcome:
    """Counts of what the registry holds (sharing rows, SDKs, recipients, fields, flows…), per app."""
    from lineage.reports import stats_outcome
    from registry.stats import stats

    return stats_outcome(stats(_registry(registry), app=app_name))


@command("lint")
def lint_cmd(registry: RegistryOpt = None, app_name: AppOpt = None) -> Outcome:
    """List fields and recipients that do not resolve against data/ (exit 1 if any)."""
    from lineage.reports import lint_outcome
    from registry.lint import lint

    return lint_outcome(lint(_registry(registry), app=app_name))


FlowsOpt = Annotated[bool, Opt("--flows", help="One row per flow, not per recipient.")]
SensitiveOpt = Annotated[bool, Opt("--sensitive", help="Only the rows of sensitive fields.")]


@command("who-receives", csv=True)
def who_receives_cmd(
    field: Annotated[str, Arg(help="A data field: an alias, part of its text, or a list (姓名、手机号).")],
    registry: RegistryOpt = None, app_name: AppOpt = None,
    explicit: Annotated[bool, Opt("--explicit", help="Only rows that write the field itself.")] = False,
    possible: Annotated[bool, Opt("--possible", help="Also rows sharing a group the field is in (relation 'group').")] = False,
    flows: FlowsOpt = False, sensitive: SensitiveOpt = False,
    evidence: EvidenceOpt = False, backend: BackendOpt = NX, output_format: str | None = None,
) -> Outcome:
    """Every recipient of a field the policy states, one row per recipient (--flows: per scenario or SDK)."""
    from lineage.reports import question_backend, who_outcome

    q = question_backend(backend.value, registry, app_name)
    rows = q.backend.who_receives(field, app=q.app_name, include_implied=not explicit, include_possible=possible)
    return who_outcome(rows, field, q, flows=flows, sensitive=sensitive, evidence=evidence, output_format=output_format)


@command("fields-of", csv=True)
def fields_of_cmd(
    recipient: Annotated[str, Arg(help="A recipient: legal name, alias, brand, or a unique part of a name.")],
    registry: RegistryOpt = None, app_name: AppOpt = None, sensitive: SensitiveOpt = False,
    evidence: EvidenceOpt = False, backend: BackendOpt = NX,
) -> Outcome:
    """What one recipient receives, across scenarios and SDKs, sensitive fields first."""
    from lineage.reports import fields_of_outcome, question_backend

    q = question_backend(backend.value, registry, app_name)
    return fields_of_outcome(q.backend.fields_of(recipient, app=q.app_name), recipient, q, sensitive=sensitive,
                             evidence=evidence)


@command("exposure", csv=True)
def exposure_cmd(
    registry: RegistryOpt = None, app_name: AppOpt = None,
    category: Annotated[str | None, Opt(help="Only fields of this category (GB/T 35273 Annex A).")] = None,
    sensitive: Annotated[bool | None, Opt("--sensitive/--not-sensitive", help="Only sensitive (or only non-sensitive) fields.")] = None,
    channel: Annotated[Channel | None, Opt(help="Only these flows.")] = None,
    limit: LimitOpt = None, backend: BackendOpt = NX,
) -> Outcome:
    """Fields ranked by how many recipients get them; recipients ranked by sensitive fields."""
    from lineage.reports import exposure_outcome, question_backend

    q = question_backend(backend.value, registry, app_name)
    data = q.backend.exposure(app=q.app_name, category=category, sensitive=sensitive,
                              channel=channel and channel.value, limit=limit)
    return exposure_outcome(data, q.app)


@command("lineage")
def lineage_cmd(field: FieldArg, registry: RegistryOpt = None, app_name: AppOpt = None,
                backend: BackendOpt = NX) -> Outcome:
    """The paths of a field: how it is collected, through which scenario or SDK, to whom."""
    from lineage.reports import lineage_outcome

    return lineage_outcome(_backend(backend, registry, app_name).lineage(field, app=app_name), field)


impact_app = typer.Typer(help="What-if analysis: add a partner, lose one, or a partner breach.",
                         no_args_is_help=True)
app.add_typer(impact_app, name="impact", short_help=summary(impact_app.info.help))


@command("add-partner", impact_app)
def add_partner_cmd(
    name: Annotated[str | None, Arg(help="The partner's name (or give --from-yaml).")] = None,
    scenario: Annotated[str | None, Opt("--scenario", "-s", help="Scenario (sharing-list row) to add it to.")] = None,
    sdk: Annotated[str | None, Opt(help="SDK the partner provides.")] = None,
    fields: Annotated[str | None, Opt("--fields", "-f", help="Comma-separated fields (default: all of the scenario's).")] = None,
    new_fields: Annotated[bool, Opt("--new-fields", help="Allow --fields the scenario's row does not share.")] = False,
    from_yaml: Annotated[Path | None, Opt(help="A YAML file describing the partner.")] = None,
    registry: RegistryOpt = None, app_name: AppOpt = None, apply: ApplyOpt = False, output: ApplyToOpt = None,
) -> Outcome:
    """Adding a partner: new field exposures, sensitive ones, ranking moves, the appendix row before and after."""
    from lineage.reports import add_partner_outcome, apply_to

    to = apply_to(apply, output)
    return add_partner_outcome(_registry(registry), name, app=app_name, scenario=scenario, sdk=sdk, fields=fields,
                               from_yaml=from_yaml, output=to, new_fields=new_fields)


@command("remove-partner", impact_app)
def remove_partner_cmd(
    name: Annotated[str, Arg(help="The partner, by legal name, alias or brand.")],
    registry: RegistryOpt = None, app_name: AppOpt = None, apply: ApplyOpt = False, output: ApplyToOpt = None,
) -> Outcome:
    """Losing a partner: the blast radius, and fields left with no recipient in a scenario."""
    from lineage.reports import apply_to, remove_partner_outcome

    to = apply_to(apply, output)
    return remove_partner_outcome(_registry(registry), name, app=app_name, output=to)


@command("breach", impact_app)
def breach_cmd(name: Annotated[str, Arg(help="The breached partner.")], registry: RegistryOpt = None,
               app_name: AppOpt = None, backend: BackendOpt = NX) -> Outcome:
    """A partner breach: every field it holds, from which apps, scenarios and SDKs."""
    from lineage.reports import impact_outcome

    return impact_outcome(_backend(backend, registry, app_name).breach(name, app=app_name))


@command("diff")
def diff_cmd(old: Annotated[Path, Arg(help="The older registry file.", dir_okay=False)],
             new: Annotated[Path, Arg(help="The newer registry file.", dir_okay=False)],
             app_name: AppOpt = None) -> Outcome:
    """What changed between two registries: sensitive changes first (exit 1 if anything changed)."""
    from lineage.diff import diff
    from lineage.reports import diff_outcome
    from registry import load_registry

    return diff_outcome(diff(load_registry(old), load_registry(new), app=app_name))


@command("top-recipients", csv=True)
def top_recipients_cmd(field: FieldArg, registry: RegistryOpt = None, limit: LimitOpt = None,
                       backend: BackendOpt = NX) -> Outcome:
    """Cross-app: the recipients of a field, ranked by how many apps give it to them."""
    from lineage.reports import top_recipients_outcome

    return top_recipients_outcome(_backend(backend, registry), field, limit=limit)


@command("sensitive-unnamed", csv=True)
def sensitive_unnamed_cmd(registry: RegistryOpt = None, app_name: AppOpt = None, flows: FlowsOpt = False,
                          evidence: EvidenceOpt = False, backend: BackendOpt = NX,
                          output_format: str | None = None) -> Outcome:
    """Cross-app: which apps share sensitive fields with recipients no legal entity names."""
    from lineage.reports import question_backend, unnamed_outcome

    q = question_backend(backend.value, registry, app_name)
    return unnamed_outcome(q.backend.sensitive_to_unnamed(app=q.app_name), q, flows=flows, evidence=evidence,
                           output_format=output_format)


neo4j_app = typer.Typer(no_args_is_help=True, help="Push the lineage graph to a Neo4j server and query it in "
                        "Cypher (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE; see docs/neo4j.md).")
app.add_typer(neo4j_app, name="neo4j", short_help=summary(neo4j_app.info.help))


@command("push", neo4j_app)
def neo4j_push_cmd(
    registry: RegistryOpt = None, app_name: AppOpt = None,
    batch_size: Annotated[int, Opt(min=1, help="Rows per write transaction.")] = 5000,
    no_progress: Annotated[bool, Opt("--no-progress", help="Do not show a progress bar.")] = False,
    force: Annotated[bool, Opt("--force", help="Rewrite apps already pushed with the same content.")] = False,
) -> Outcome:
    """Write the registry's lineage graph to Neo4j; a new version of an app replaces the old one."""
    from lineage.reports import push_outcome

    return push_outcome(_registry(registry), app=app_name, batch_size=batch_size, progress=not no_progress,
                        force=force)


@command("query", neo4j_app, csv=True)
def neo4j_query_cmd(
    cypher: Annotated[str, Arg(help="A read-only Cypher query, e.g. 'MATCH (f:Field) RETURN count(f)'.")],
    param: Annotated[list[str] | None, Opt("--param", "-p", help="A parameter NAME=VALUE (VALUE read as JSON if it parses); repeatable.")] = None,
) -> Outcome:
    """Run a read-only Cypher query (a query that writes is refused)."""
    from lineage.reports import query_outcome

    return query_outcome(cypher, param or [])


@command("audit")
def audit_cmd(
    registry: RegistryOpt = None, app_name: AppOpt = None,
    text: Annotated[Path | None, Opt("--text", "-t", dir_okay=False, help="The policy's text, not the registry's.")] = None,
    fail_on: Annotated[str | None, Opt(metavar="LEVEL", help="Exit 1 on a finding of LEVEL (error, warning, note) or worse.")] = None,
) -> Outcome:
    """Audit the disclosures: one finding per gap, each with its rule, level and evidence.

    Art. 23 completeness, unnamed recipients, sensitive data and consent, tables against the
    policy's prose, each recipient's capacity, duplicates (see docs/audit.md)."""
    from lineage.reports import audit_outcome

    return audit_outcome(_registry(registry), app=app_name, text=text, fail_on=fail_on)


@command("export")
def export_cmd(
    fmt: Annotated[ExportFormat, Opt("--format", "-f", case_sensitive=False, help="See docs/exports.md.")],
    output: Annotated[Path, Opt("--output", "-o", help="File to write; - writes to stdout.")],
    registry: RegistryOpt = None, app_name: AppOpt = None,
    field: Annotated[str | None, Opt(help="Only the flows of this field (as who-receives).")] = None,
    recipient: Annotated[str | None, Opt(help="Only the flows to this recipient (as fields-of).")] = None,
    group_by: Annotated[GroupBy | None, Opt(help="csv, xlsx: one row per field or recipient.")] = None,
) -> Outcome:
    """Write the lineage to a file for auditors: CSV, XLSX, JSON, GraphML, HTML report, Markdown, YAML
    (see docs/exports.md)."""
    from lineage.reports import export_outcome

    return export_outcome(_registry(registry), fmt.value, output, app=app_name, field=field, recipient=recipient,
                          group_by=group_by and group_by.value)


def main() -> None:
    """Console-script entry point (frozen: exit's gc skips what the command built)."""
    try:
        app()
    finally:
        gc.freeze()


if __name__ == "__main__":
    main()
