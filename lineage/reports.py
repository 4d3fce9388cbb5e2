"""The question reports for people: diff, audit, impact and lineage as sections or a tree.

Each function takes what a question returned (plain data) and gives an
:class:`~registry.sections.Outcome`: the unchanged ``--json`` document, the titled sections
(or tree) a person reads, stderr notes and the exit code, so that ``cli.py`` only draws them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
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


@dataclass(frozen=True)
class Asked:
    """Where a question is asked: the backend, what ``--app`` resolved to (None: every app) and
    how many apps the registry holds (a table names each row's app only when there are several)."""

    backend: Any
    app: Any
    apps: int

    @property
    def app_name(self) -> str | None:
        """The app asked about, as the registry names it."""
        return self.app.name if self.app is not None else None

    @property
    def several_apps(self) -> bool:
        """Whether rows may come from more than one app."""
        return self.app is None and self.apps > 1


def question_backend(name: str, registry: Path | None = None, app: str | None = None) -> Asked:
    """The backend of a question and the app ``--app`` names, resolved once: a unique part of an
    app's name is that app (:func:`registry.suggest.resolve_app`; on Neo4j, among the server's
    complete apps); the backend asks about that app."""
    if name == "neo4j":
        b = backend_for(name)
        apps = b.apps()
        from registry.suggest import resolve_app

        return Asked(b, resolve_app(apps, app), len(apps))
    from lineage.backends import open_backend
    from registry import open_registry
    from registry.suggest import resolve_app

    reg = open_registry(registry)
    match = resolve_app(reg.apps, app)
    return Asked(open_backend(name, registry=reg, app=match and match.name), match, len(reg.apps))


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

WHO_FLOW_COLUMNS = ["app", "field", "relation", "implied_via", "channel", "via", "recipient"]
"""who-receives ``--flows``: one row per (field, recipient, scenario or SDK); its CSV's columns."""
WHO_COLUMNS = ["recipient", "as_written", "kind", "how", "channel", "via", "flows"]
"""who-receives for people: one row per recipient (:func:`lineage.summary.by_recipient`)."""
WHO_OPTIONAL = ("flows", "apps", "channel", "kind", "fields")
"""The columns a narrow terminal loses first, in order (:func:`fit`)."""
FIELDS_OF_COLUMNS = ["app", "field", "sensitive", "relation", "implied_via", "channel", "via", "recipient_as_written"]
UNNAMED_FLOW_COLUMNS = ["app", "field", "via", "recipient", "recipient_kind", "why"]
UNNAMED_COLUMNS = ["app", "recipient", "kind", "why", "sensitive_fields", "via", "flows"]
"""sensitive-unnamed for people: one row per app and recipient."""
READ_NOTE = ("read: 'prose' = stated in a sentence, not a table; '?' = the reading took a guess "
             "(--json gives each row's note)")


def question_notes(rows: Any, app: Any = None) -> list[str]:
    """What a question says on stderr: what ``--app`` and the name asked resolved to (unless typed
    as the registry writes them), rows ``--possible`` would add, and for an answer with no rows why,
    with the related fields that have recipients (:mod:`lineage.related`)."""
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
    return notes


def only_sensitive(rows: Any) -> Any:
    """The rows of sensitive fields, the answer's attributes (match, why, …) kept: ``--sensitive``."""
    from lineage.names import Answer

    kept = Answer([r for r in rows if r.get("sensitive")], getattr(rows, "match", None))
    for attr in ("possible", "why", "related"):
        if hasattr(rows, attr):
            setattr(kept, attr, getattr(rows, attr))
    kept.left_out = len(rows) - len(kept)  # type: ignore[attr-defined]
    return kept


def _several(several_apps: bool, columns: list[str]) -> list[str]:
    """The columns, without ``app`` when every row is of one app's registry."""
    return columns if several_apps else [c for c in columns if c != "app"]


def question_outcome(rows: Any, columns: list[str], title: str, *, evidence: bool = False,
                     app: Any = None, several_apps: bool = True) -> Outcome:
    """A question's flow rows (who-receives ``--flows``, fields-of, sensitive-unnamed ``--flows``)
    as one table, with what to say on stderr (:func:`question_notes`).

    The evidence column when asked; CSV always has it, and form, confidence, note and
    qualifiers last. For people, ``app`` only when the registry has several apps
    (``several_apps``), ``implied_via`` blank where it repeats the row's field, and a ``read``
    column only where some row needs it: ``prose`` for a fact read from a sentence, ``?`` for a
    reading that took a guess (the ``--json`` rows are left as they are).
    """
    from lineage.summary import read_mark

    cols = _several(several_apps, columns) + (["evidence"] if evidence else [])
    notes = question_notes(rows, app)
    marks = [read_mark(r) for r in rows]
    shown = [{**r, "read": m, "implied_via": None if r.get("implied_via") == r.get("field") else r.get("implied_via")}
             for r, m in zip(rows, marks, strict=True)]
    if any(marks):
        notes.append(READ_NOTE)
    table = Section(title, rows=shown, columns=cols + (["read"] if any(marks) else []),
                    csv_columns=[*columns, "evidence", *READ_COLUMNS])
    return Outcome(rows, [table], notes=notes)


def terminal_width() -> int | None:
    """The terminal's width when stdout is one (a table for people is fitted to it), else None."""
    import shutil
    import sys

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def fit(rows: list[dict[str, Any]], columns: list[str], width: int | str | None,
        optional: tuple[str, ...] = (), fold: str | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows and columns cut to fit a terminal ``width`` columns wide (None: as they are;
    ``terminal``: :func:`terminal_width`).

    A rich table takes three columns of every table column for its borders and padding. While
    the widest row is wider than the terminal: first the list column with the widest cell keeps
    one item fewer in its longest cells (down to two; the rest said as ``+N``), then the columns
    with no text and the ``optional`` columns go, in order, then lists keep one item (``how``, a
    few words, stays whole). Names (strings) are never cut: the ``fold`` column (the recipient)
    is counted at half its width, rich folding its longest names once (rich narrows the widest
    column first), and ``--flows`` or a pipe shows every cell whole.

    >>> rows = [{"recipient": "某公司", "via": ["借款推荐服务", "风控审核、信用初审", "认证服务"], "flows": 3}]
    >>> fit(rows, ["recipient", "via", "flows"], 40, ("flows",))
    ([{'recipient': '某公司', 'via': '借款推荐服务 +2', 'flows': 3}], ['recipient', 'via'])
    """
    if width == "terminal":
        width = terminal_width()
    if width is None or isinstance(width, str):
        return rows, columns
    from rich.cells import cell_len

    from registry.sections import cell

    cols = list(columns)
    lists = [c for c in cols if c != "how" and any(isinstance(r.get(c), list) and len(r[c]) > 1 for r in rows)]
    keep = {c: max((len(r[c]) for r in rows if isinstance(r.get(c), list)), default=0) for c in lists}

    def shown(v: Any, n: int | None) -> str:
        if not isinstance(v, list) or n is None or len(v) <= n:
            return cell(v)
        return cell(v[:n]) + f" +{len(v) - n}"

    def width_of(c: str) -> int:
        return max([cell_len(c)] + [cell_len(shown(r.get(c), keep.get(c))) for r in rows])

    w = {c: width_of(c) for c in cols}

    def too_wide() -> bool:
        used = sum(max(-(-w[c] // 2), cell_len(c)) if c == fold else w[c] for c in cols)
        return used + 3 * len(cols) + 1 > width

    for floor in (2, 1):
        while too_wide():
            cuttable = [c for c in lists if c in cols and keep[c] > floor]
            if not cuttable:
                break
            c = max(cuttable, key=lambda c: w[c])
            keep[c] -= 1
            w[c] = width_of(c)
        empty = [c for c in cols if not any(cell(r.get(c)) for r in rows)]
        for c in [*empty, *optional] if floor == 2 else optional:
            if too_wide() and c in cols:
                cols.remove(c)
    return [{**r, **{c: shown(r.get(c), keep[c]) for c in lists if c in cols}} for r in rows], cols


def _no_cycle_collection() -> Any:
    """:func:`lineage.deferred.no_cycle_collection`: the garbage collector paused while a summary of
    many rows is built (its dicts hold no cycles; the answer's rows would be scanned again and again)."""
    from lineage.deferred import no_cycle_collection

    return no_cycle_collection()


def _cells(rows: list[dict[str, Any]], columns: list[str]) -> list[dict[str, Any]]:
    """The columns of a summary table, each list of names as the one cell it is drawn as
    (:func:`registry.sections.cell` of a list of text): ten thousand rows of a registry of a
    thousand apps are drawn in half the time.

    >>> _cells([{"via": ["a", "b"], "flows": 2, "x": 1}], ["via", "flows"])
    [{'via': 'a, b', 'flows': 2}]
    """
    def one(v: Any) -> Any:
        if type(v) is list:
            try:
                return ", ".join(v)
            except TypeError:   # not all text: drawn item by item
                return v
        return v

    return [{c: one(r.get(c)) for c in columns} for r in rows]


def fields_of_outcome(rows: Any, recipient: str, q: Asked | None = None, *, sensitive: bool = False,
                      evidence: bool = False) -> Outcome:
    """``fields-of``: one row per flow, sensitive fields first; ``sensitive``: only those. Then,
    for people, the recipient's record (contact, relationship, legal basis, cross-border:
    :func:`lineage.records.record_rows`) when the backend holds the registry; ``--json`` and
    ``--csv`` stay the flow rows."""
    if sensitive:
        rows = only_sensitive(rows)
    out = question_outcome(rows, FIELDS_OF_COLUMNS, f"fields received by {recipient}", evidence=evidence,
                           app=q and q.app, several_apps=q is None or q.several_apps)
    if not rows or q is None:
        return out
    reg = getattr(q.backend, "registry", None)
    if reg is None:
        return replace(out, notes=[*out.notes, "the recipient's record (contact, relationship, legal basis, "
                                   "cross-border) is kept in the registry file: ask without --backend neo4j"])
    from lineage.records import record_rows

    records = record_rows(reg, list(rows))
    title = "record" if len({r["recipient"] for r in records}) < 2 else "records"
    cols = ["fact", "value"] if title == "record" else ["recipient", "fact", "value"]
    return replace(out, sections=[*out.sections, Section(title, rows=records, columns=cols)])


def who_outcome(rows: Any, field: str, q: Asked | None = None, *, flows: bool = False, sensitive: bool = False,
                evidence: bool = False, width: int | str | None = "terminal", output_format: str | None = None) -> Outcome:
    """``who-receives``: for people, one row per recipient (:func:`lineage.summary.by_recipient`:
    the spellings beside the legal name, how the rows reach the field, channels, scenarios and
    SDKs; apps and fields when there are several); ``flows`` (and ``--json``, ``--csv``, which are
    the data): one row per flow. ``sensitive``: only the rows of sensitive fields. ``width``: to
    fit (:func:`fit`; ``terminal``: the terminal's if stdout is one). ``q``: where it was asked."""
    from lineage.summary import by_recipient

    app, several_apps = (q.app, q.several_apps) if q is not None else (None, True)

    if sensitive:
        rows = only_sensitive(rows)
    title = f"who receives {field}"
    if flows or output_format is not None:
        out = question_outcome(rows, WHO_FLOW_COLUMNS, title, evidence=evidence, app=app, several_apps=several_apps)
    else:
        with _no_cycle_collection():
            summary = by_recipient(rows, evidence=evidence)
        cols = list(WHO_COLUMNS)
        if len({f for s in summary for f in s["fields"]}) > 1:  # (the rows, unread: lineage.deferred)
            cols.insert(cols.index("channel"), "fields")
        if several_apps:
            cols.insert(cols.index("flows"), "apps")
        if any(s["read"] for s in summary):
            cols.append("read")
        if evidence:
            cols.append("evidence")
        shown = [{**s, "apps": len(s["apps"]), "channel": s["channels"]} for s in summary]
        n = len(summary)
        notes = question_notes(rows, app) + ([READ_NOTE] if "read" in cols else [])
        shown, cols = fit(shown, cols, width, WHO_OPTIONAL, fold="recipient")
        if "kind" not in cols:  # a narrow terminal: the kind beside the name, where it is not a company
            shown = [{**r, "recipient": r["recipient"] + (f" ({r['kind']})" if r["kind"] != "company" else "")}
                     for r in shown]
        out = Outcome(rows, [Section(f"{title}: {n} recipient{'s' if n != 1 else ''}, {len(rows)} flow(s) "
                                     "(--flows lists them)", rows=_cells(shown, cols), columns=cols)], notes=notes)
    if sensitive and getattr(rows, "left_out", 0):
        out.notes.append(f"--sensitive: {rows.left_out} row(s) of fields that are not sensitive left out")
    return out


def unnamed_outcome(rows: list[dict[str, Any]], q: Asked | None = None, *, flows: bool = False,
                    evidence: bool = False, width: int | str | None = "terminal", output_format: str | None = None) -> Outcome:
    """``sensitive-unnamed``: the sensitive flows to recipients no legal entity names, each saying
    why its recipient is listed (``why``: a kind of recipient, whose onward processor, or a brand
    left unresolved; ``--json`` has ``recipient_kind`` and ``onward_of``). For people, one row per
    app and recipient with its sensitive fields; ``flows`` (and ``--json``, ``--csv``): one per flow."""
    from lineage.summary import by_recipient, no_entity_reason

    app, several_apps = (q.app, q.several_apps) if q is not None else (None, True)
    title = "sensitive fields to recipients no legal entity names"
    if flows or output_format is not None:
        shown = [{**r, "why": no_entity_reason(r["recipient_kind"], r.get("onward_of"))} for r in rows]
        out = question_outcome(shown, UNNAMED_FLOW_COLUMNS, title, evidence=evidence, app=app,
                               several_apps=several_apps)
        out.data = rows
        return out
    with _no_cycle_collection():  # (tens of thousands of summary dicts beside the answer's flows)
        summary = [{**s, "why": no_entity_reason(s["kind"], s["onward_of"])}
                   for s in by_recipient(rows, per_app=True, evidence=evidence)]
        cols = _several(several_apps, UNNAMED_COLUMNS) + (["read"] if any(s["read"] for s in summary) else []) \
            + (["evidence"] if evidence else [])
        notes = app_notes(app) + ([READ_NOTE] if "read" in cols else [])
        shown, cols = fit(summary, cols, width, ("flows", "via", "why"), fold="recipient")
        shown = _cells(shown, cols)
    return Outcome(rows, [Section(f"{title}: {len(summary)} (app, recipient) pair(s), {len(rows)} flow(s) "
                                  "(--flows lists them)", rows=shown, columns=cols)], notes=notes)


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
