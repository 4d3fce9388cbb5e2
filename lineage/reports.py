"""The question reports for people: diff, audit, impact and lineage as sections or a tree.

Each function takes what a question returned (plain data) and gives an
:class:`~registry.sections.Outcome`: the unchanged ``--json`` document, the titled sections
(or tree) a person reads, stderr notes and the exit code, so that ``cli.py`` only draws them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry.errors import OutputPathError, SharegraphError
from registry.model import Registry
from registry.sections import Outcome, Section, TreeNode, mapping_sections, table

if TYPE_CHECKING:
    from lineage.audit import Finding

FLOW_COLUMNS = ["field", "channel", "via", "recipient", "implied_via"]


def backend_for(name: str, registry: Path | None = None, app: str | None = None) -> Any:
    """The backend that answers a question: ``networkx`` on the registry file at ``registry``
    (default: the bundled seed), or ``neo4j`` on the server the environment names."""
    from lineage.backends import open_backend
    from registry import open_registry

    return open_backend(name, registry=open_registry(registry) if name == "networkx" else None, app=app)


def question_backend(name: str, registry: Path | None = None, app: str | None = None) -> tuple[Any, Any]:
    """The backend of a question and the app ``--app`` names, resolved once: a unique part of an
    app's name is that app (:func:`registry.suggest.resolve_app`; on Neo4j, among the server's
    complete apps). Returns ``(backend, NameMatch or None)``; the backend asks about that app."""
    if name == "neo4j":
        b = backend_for(name)
        return b, b.resolve_app(app)
    from lineage.backends import open_backend
    from registry import open_registry
    from registry.suggest import resolve_app

    reg = open_registry(registry)
    match = resolve_app(reg.apps, app)
    return open_backend(name, registry=reg, app=match and match.name), match


def app_notes(match: Any) -> list[str]:
    """What ``--app`` resolved to, for stderr (nothing when it was typed as the app's name)."""
    return [match.describe()] if match is not None and not match.is_plain() else []


def diff_sections(d: dict[str, Any]) -> list[Section]:
    """Per app, sensitive changes first (fields, then flows), then names added or removed, then
    the other flows; each part under its title (the app's name first when several apps differ)."""
    out: list[Section] = []
    for a in d["apps"]:
        tag = f"{a['app']}: " if len(d["apps"]) > 1 else ""
        s = a["sensitive"]
        lines = [f"sensitive {k.replace('_', ' ')}: {', '.join(s[k])}"
                 for k in ("fields_added", "fields_removed") if s[k]]
        lines += [f"sensitivity changed: {x['field']} {x['was']} -> {x['now']}" for x in s["sensitivity_changed"]]
        out.append(Section(f"{a['app']} ({a['status']})" + ("" if a["changed"] else ": no change"), lines))
        out += [Section(f"{tag}sensitive {k.replace('_', ' ')}", rows=s[k], columns=FLOW_COLUMNS)
                for k in ("flows_added", "flows_removed") if s[k]]
        names = [f"{part} {how}: {', '.join(a[part][how])}"
                 for part in ("recipients", "fields", "scenarios", "sdks") for how in ("added", "removed")
                 if a[part][how]]
        if names:
            out.append(Section(f"{tag}names added or removed", names))
        for key in ("added", "removed"):
            rest = [r for r in a["flows"][key] if not r["sensitive"]]
            if rest:
                out.append(Section(f"{tag}other flows {key}", rows=rest, columns=FLOW_COLUMNS))
    return out


def diff_outcome(d: dict[str, Any]) -> Outcome:
    """``diff``: exit 1 if anything changed (a CI gate)."""
    return Outcome(d, diff_sections(d), exit_code=1 if d["changed"] else 0)


def audit_outcome(reg: Registry, *, app: str | None = None, text: str | Path | None = None,
                  fail_on: str | None = None) -> Outcome:
    """``audit``: the findings, and exit 1 if one is at ``fail_on`` or more severe."""
    from lineage.audit import LEVELS, at_least, audit, counts  # loaded for the audit only

    if fail_on is not None and fail_on not in LEVELS:
        raise SharegraphError(f"--fail-on {fail_on!r}: must be error, warning or note")
    findings = audit(reg, app=app, text=text)
    totals = counts(findings)
    failed = fail_on is not None and any(at_least(f.level, fail_on) for f in findings)
    data = {"format": "sharegraph-audit", "version": 1, "counts": totals, "fail_on": fail_on,
            "failed": failed, "findings": [f.as_dict() for f in findings]}
    return Outcome(data, audit_sections(findings, totals, fail_on, failed), exit_code=1 if failed else 0)


def audit_sections(findings: list[Finding], totals: dict[str, int], fail_on: str | None,
                   failed: bool) -> list[Section]:
    """A summary line, then findings grouped by level, most severe first; errors and warnings
    with up to three quotes each; last, what ``--fail-on`` decided."""
    from lineage.audit import LEVELS, at_least

    apps = sorted({f.get("app") for f in findings if f.get("app")})
    out = [Section(lines=["audit" + (f" of {', '.join(apps)}" if apps else "") + ": "
                          + ", ".join(f"{n} {lv}{'s' if n != 1 else ''}" for lv, n in totals.items())])]
    for level in LEVELS:
        lines = []
        for f in (f for f in findings if f.level == level):
            where = f"{f.evidence[0].file}:{f.evidence[0].line}" if f.evidence else ""
            app_tag = f"[{f.get('app')}] " if len(apps) > 1 else ""
            lines.append(f"{f.rule} {app_tag}{where}  {f.reason}" + (f"  ({f.clause})" if f.clause else ""))
            if level != "note":
                lines.extend(f"    {q.line}: {q.text[:120]}" for q in f.evidence[:3])
        if lines:
            out.append(Section(f"{level} ({totals[level]})", lines))
    if fail_on is not None:
        n = sum(n for lv, n in totals.items() if at_least(lv, fail_on))
        out.append(Section(lines=[f"--fail-on {fail_on}: {n} finding(s) at {fail_on} or above"
                                  + (" -> exit 1" if failed else " -> pass")]))
    return out


def apply_to(apply: bool, output: Path | None) -> Path | None:
    """Where ``--apply`` writes the changed registry (None: not written); checked before any analysis.

    >>> apply_to(False, Path("new.json")) is None
    True
    """
    if apply and output is None:
        raise SharegraphError("--apply needs -o NEW.json")
    if apply and str(output) == "-":
        raise OutputPathError("-o -: --apply writes a registry file: give a file, not - (stdout)")
    return output if apply else None


def impact_outcome(report: dict[str, Any], new_reg: Registry | None = None,
                   output: Path | None = None) -> Outcome:
    """``impact``: the report; with ``output``, the changed registry written there first.

    add-partner and remove-partner show each appendix row they change before and after, in the
    policy's own columns (:mod:`lineage.impact_sections`); a breach is its summary and tables.
    """
    from lineage import impact_sections as views

    if output is not None:
        from registry import save_registry

        save_registry(new_reg, output)
        report = {**report, "written": str(output)}
    if report.get("action") == "add-partner":
        return Outcome(report, views.add_partner_sections(report), notes=views.add_partner_notes(report))
    if report.get("action") == "remove-partner":
        return Outcome(report, views.remove_partner_sections(report))
    return Outcome(report, mapping_sections(report))


def lineage_outcome(tree: dict[str, Any], asked: str) -> Outcome:
    """``lineage``: the field, how it is collected, and each path to its recipients and onward;
    on stderr what the name asked was matched to, unless it is the field as written."""
    matched = tree.get("matched") or []
    notes = []
    if [m["written"] for m in matched] != [asked.strip()]:
        notes.append("matched: " + ", ".join(m["written"] if m["written"] == m["field"]
                                             else f"{m['written']} ({m['field']})" for m in matched))
    sens = " [sensitive]" if tree["sensitive"] else ""
    root = TreeNode(f"{tree['field']} ({tree['category'] or 'uncategorized'}){sens}")
    coll = root.add("collected by")
    for c in tree["collected_by"]:
        where = f" {c['evidence']['file']}:{c['evidence']['line']}" if c.get("evidence") else ""
        coll.add(f"{c['kind']}: {c['name']} ({c['app']}){where}")
    if not tree["collected_by"]:
        coll.add("(the policy's tables do not say)")
    for p in tree["paths"]:
        rels = sorted({f"{f['field']} {f['relation']}" + (f" via {f['implied_via']}" if f["implied_via"] else "")
                       for f in p["fields"]})
        node = root.add(f"{p['channel']}: {p['via']} ({p['app']}) — {p['purpose']} [{'; '.join(rels)}]")
        for r in p["recipients"]:
            rn = node.add(f"{r['recipient']} ({r['kind']})")
            for o in r["onward"]:
                rn.add(f"→ {o['recipient']} ({o['kind']})")
    return Outcome(tree, tree=root, notes=notes)


def remove_partner_outcome(reg: Registry, name: str, *, app: str | None = None,
                           output: Path | None = None) -> Outcome:
    """``impact remove-partner``: the blast radius; with ``output``, the registry without it."""
    from lineage.impact import remove_partner

    return impact_outcome(*remove_partner(reg, name, app=app), output)


def add_partner_outcome(reg: Registry, name: str | None, *, app: str | None = None, scenario: str | None = None,
                        sdk: str | None = None, fields: str | None = None, from_yaml: Path | None = None,
                        output: Path | None = None, new_fields: bool = False) -> Outcome:
    """``impact add-partner``: ``fields`` comma-separated (full-width commas too); a
    ``from_yaml`` partner file gives the name, scenario or SDK, and fields, app, purpose,
    new_fields if set. ``new_fields``: fields the scenario's row does not share may be added."""
    from lineage.impact import add_partner, load_partner_yaml

    if not name and from_yaml is None:
        raise SharegraphError("give the partner's NAME or --from-yaml")

    field_list = [f.strip() for f in fields.replace("，", ",").split(",") if f.strip()] if fields else None
    purpose = None
    if from_yaml is not None:
        spec = load_partner_yaml(from_yaml)
        name, scenario, sdk = spec["name"], spec.get("scenario"), spec.get("sdk")
        field_list, app, purpose = spec.get("fields") or field_list, spec.get("app") or app, spec.get("purpose")
        new_fields = bool(spec.get("new_fields")) or new_fields
    report, new_reg = add_partner(reg, name or "", app=app, scenario=scenario, sdk=sdk, fields=field_list,
                                  purpose=purpose, new_fields=new_fields)
    return impact_outcome(report, new_reg, output)


def export_outcome(reg: Registry, fmt: str, output: Path, **only: Any) -> Outcome:
    """``export``: write ``fmt`` to ``output`` (``-``: stdout) and say what was written.

    To stdout, the export is written whole to a private temporary file first, so a failed
    export prints nothing; the outcome then says ``to_stderr``: stdout holds the export.
    """
    import sys

    from lineage.exports import export

    if str(output) == "-" and fmt == "xlsx" and sys.stdout.isatty():
        raise OutputPathError("-o -: xlsx is a binary file: redirect stdout (> file.xlsx) or give a file")
    if str(output) != "-":
        result = export(reg, fmt, output, **only)
    else:
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory(prefix="sharegraph-export.") as tmp:
            part = Path(tmp) / f"export.{fmt}"
            result = {**export(reg, fmt, part, **only), "path": "-"}
            with part.open("rb") as fh:
                shutil.copyfileobj(fh, sys.stdout.buffer)
            sys.stdout.flush()
    counts = ", ".join(f"{v} {k}" for k, v in result.items() if k not in ("format", "path") and isinstance(v, int))
    line = (f"wrote {'stdout' if result['path'] == '-' else result['path']} ({result['format']}"
            + (f": {counts}" if counts else "") + ")")
    return Outcome(result, [Section(lines=[line])], to_stderr=result["path"] == "-")


def push_outcome(reg: Registry, **options: Any) -> Outcome:
    """``neo4j push``: push ``reg`` to the server the environment names; one line, what was
    pushed, left unchanged and replaced (``options``: app, batch_size, progress, force)."""
    from lineage.backends.neo4j import driver_from_env
    from lineage.backends.neo4j.push import push

    driver, database = driver_from_env()
    try:
        result = push(driver, reg, database=database, **options).as_dict()
    finally:
        driver.close()
    line = (f"pushed {len(result['apps'])} app(s): {result['nodes']} nodes, {result['relationships']} "
            f"relationships, {result['flows']} flows in {result['seconds']} s")
    if result["unchanged"]:
        line += f"; {len(result['unchanged'])} app(s) unchanged"
    if result["replaced"]:
        line += f"; replaced: {', '.join(result['replaced'])}"
    return Outcome(result, [Section(lines=[line])])


def query_params(texts: list[str]) -> dict[str, Any]:
    """``--param NAME=VALUE`` options as query parameters: VALUE read as JSON when it parses.

    >>> query_params(["n=3", "name=小米", 'xs=["a"]'])
    {'n': 3, 'name': '小米', 'xs': ['a']}
    """
    out: dict[str, Any] = {}
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise SharegraphError(f"--param {text!r}: expected NAME=VALUE")
        try:
            out[key.strip()] = json.loads(value)
        except ValueError:
            out[key.strip()] = value
    return out


def query_outcome(cypher: str, params: list[str]) -> Outcome:
    """``neo4j query``: a read-only Cypher query's rows, as one table."""
    from lineage.backends.neo4j import driver_from_env, query

    values = query_params(params)
    driver, database = driver_from_env()
    try:
        return table(query(driver, cypher, values, database=database))
    finally:
        driver.close()


STATS_COUNTS = ["sharing_rows", "sdks", "permissions", "permission_rows", "recipients", "fields",
                "sensitive_fields", "permission_only_fields", "flows", "group_flows", "implied_flows",
                "unresolved_fields"]
"""The rows of ``stats``, each count defined once in :mod:`registry.stats` (docs/counts.md)."""


def stats_outcome(data: dict[str, Any]) -> Outcome:
    """``stats``: one row per count, one column per app, then (several apps) the totals, where
    recipients and fields are counted once however many apps name them; on stderr what the
    counts count (:func:`registry.stats.caption`) and the unresolved field names (``lint`` says
    more). ``| grep flows`` gives every app's flows.

    >>> o = stats_outcome({"app": "a", "flows": 2, "unresolved_field_names": ["x"]})
    >>> o.sections[0].columns, o.sections[0].rows[8], o.notes[1]
    (['count', 'a'], {'count': 'flows', 'a': 2}, 'unresolved fields: x (see sharegraph lint)')
    """
    from registry.stats import caption

    if "app" in data:
        per_app = {data["app"]: data}
    else:
        per_app = dict(data.get("per_app") or {})
        if len(per_app) != 1:
            per_app[f"all {data['apps']} apps"] = data
    rows = [{"count": k, **{a: s.get(k) for a, s in per_app.items()}} for k in STATS_COUNTS]
    names = data.get("unresolved_field_names") or []
    notes = [caption(data)]
    if names:
        notes.append(f"unresolved fields: {', '.join(names)} (see sharegraph lint)")
    return Outcome(data, [Section("registry", rows=rows, columns=["count", *per_app])], notes=notes)


def lint_outcome(rows: list[dict[str, Any]]) -> Outcome:
    """``lint``: the names the vocabulary does not resolve; exit 1 if there are any."""
    return table(rows, ["app", "kind", "name", "as_written", "suggestions"], "unresolved names",
                 exit_code=1 if rows else 0)


READ_COLUMNS = ["form", "confidence", "note", "qualifiers"]
"""How each flow was read: every row's JSON has them, the CSV of a question their columns."""


def question_outcome(rows: Any, columns: list[str], title: str, *, evidence: bool = False,
                     app: Any = None) -> Outcome:
    """A question's flow rows (who-receives, fields-of, sensitive-unnamed) as one table, with
    what to say on stderr.

    The evidence column when asked; CSV always has it, and form, confidence, note and
    qualifiers last. For people, a ``read`` column only where some row needs it: ``prose`` for
    a fact read from a sentence, ``?`` for a reading that took a guess (the ``--json`` rows are
    left as they are). Notes: what a name typed was matched to (unless it named one field or
    recipient as is), and rows ``--possible`` would add; ``app``: what ``--app`` resolved to
    (:func:`question_backend`).
    """
    cols = columns + (["evidence"] if evidence else [])
    notes = app_notes(app)
    match = getattr(rows, "match", None)
    if match is not None and not match.is_plain() and (rows or not getattr(rows, "why", None)):
        notes.append(match.describe())  # (an empty answer's why names what the query matched)
    if getattr(rows, "possible", 0) and rows:
        notes.append(f"{rows.possible} more row(s) where a recipient gets a group that the vocabulary "
                     "puts this field in, the policy not saying the field itself; --possible lists them")
    if match is not None:
        from lineage.related import notes as related_notes

        notes += related_notes(rows, match.query)
    marks = [("prose" if r.get("form") == "prose" else "") + ("?" if r.get("confidence") == "low" else "")
             for r in rows]
    shown = rows
    if any(marks):
        shown = [{**r, "read": m} for r, m in zip(rows, marks, strict=True)]
        notes.append("read: 'prose' = stated in a sentence, not a table; '?' = the reading took a guess "
                     "(--json gives each row's note)")
    table = Section(title, rows=shown, columns=cols + (["read"] if any(marks) else []),
                    csv_columns=[*columns, "evidence", *READ_COLUMNS])
    return Outcome(rows, [table], notes=notes)


UNNAMED_COLUMNS = ["app", "field", "via", "recipient", "recipient_kind", "why"]


def unnamed_outcome(rows: list[dict[str, Any]], *, evidence: bool = False, app: Any = None) -> Outcome:
    """``sensitive-unnamed``: the sensitive flows to recipients no legal entity names, each row
    saying why its recipient is listed (``why``, for people: unnamed, whose onward processor, or a
    brand left unresolved; ``--json`` has ``recipient_kind`` and ``onward_of``)."""
    from lineage.exposure import no_entity_reason

    shown = [{**r, "why": no_entity_reason(r["recipient_kind"], r.get("onward_of"))} for r in rows]
    out = question_outcome(shown, UNNAMED_COLUMNS, "sensitive fields to recipients no legal entity names",
                           evidence=evidence, app=app)
    out.data = rows
    return out


def top_recipients_outcome(backend: Any, field: str, *, limit: int | None = None) -> Outcome:
    """``top-recipients``: the recipients of a field ranked by apps; with none, why (as who-receives
    says it: the related fields that have recipients, or the rows of its members)."""
    rows = backend.recipients_by_apps(field, limit=limit)
    notes = []
    if not rows:
        from lineage.related import notes as related_notes

        who = backend.who_receives(field)
        if who:
            notes.append(f"no flow of {field.strip()} itself; who-receives {field.strip()} lists {len(who)} row(s) "
                         "of the fields in it or of the groups it is in")
        notes += related_notes(who, field)
    return table(rows, ["recipient", "kind", "apps", "app_list"], f"recipients of {field} by apps", notes=notes)


def exposure_outcome(data: dict[str, Any], app: Any = None) -> Outcome:
    """``exposure``: the two rankings as two tables (CSV: the fields' ranking, every column);
    ``--json`` adds ``resolved``: what ``--app`` resolved to (``{}`` when typed as written)."""
    fields = data["fields"]
    data = {**data, "resolved": app.resolved if app is not None else {}}
    return Outcome(data, notes=app_notes(app), sections=[
        Section("fields by recipients", rows=fields, csv_columns=list(fields[0]) if fields else None,
                columns=["rank", "field", "category", "sensitive", "recipients", "unnamed", "onward", "brand",
                         "scenarios", "sdks", "apps"]),
        Section("recipients by sensitive fields", rows=data["recipients"],
                columns=["rank", "recipient", "kind", "sensitive_fields", "fields", "apps"])])
