"""The question reports for people: diff, audit, impact and lineage as sections or a tree.

Each function takes what a question returned (plain data) and gives an
:class:`~registry.sections.Outcome`: the unchanged ``--json`` document, the titled sections
(or tree) a person reads, stderr notes and the exit code, so that ``cli.py`` only draws them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lineage.audit import LEVELS, Finding, at_least, audit, counts
from registry.errors import OutputPathError
from registry.model import Registry
from registry.sections import Outcome, Section, TreeNode, mapping_sections

FLOW_COLUMNS = ["field", "channel", "via", "recipient", "implied_via"]


def diff_sections(d: dict[str, Any]) -> list[Section]:
    """Per app, sensitive changes first (fields, then flows), then names added or removed, then
    the other flows; each table under its title."""
    out: list[Section] = []
    for a in d["apps"]:
        s = a["sensitive"]
        lines = [f"sensitive {k.replace('_', ' ')}: {', '.join(s[k])}"
                 for k in ("fields_added", "fields_removed") if s[k]]
        lines += [f"sensitivity changed: {x['field']} {x['was']} -> {x['now']}" for x in s["sensitivity_changed"]]
        out.append(Section(f"{a['app']} ({a['status']})" + ("" if a["changed"] else ": no change"), lines))
        out += [Section(f"sensitive {k.replace('_', ' ')}", rows=s[k], columns=FLOW_COLUMNS)
                for k in ("flows_added", "flows_removed") if s[k]]
        names = [f"{part} {how}: {', '.join(a[part][how])}"
                 for part in ("recipients", "fields", "scenarios", "sdks") for how in ("added", "removed")
                 if a[part][how]]
        if names:
            out.append(Section(lines=names))
        for key in ("added", "removed"):
            rest = [r for r in a["flows"][key] if not r["sensitive"]]
            if rest:
                out.append(Section(f"other flows {key}", rows=rest, columns=FLOW_COLUMNS))
    return out


def diff_outcome(d: dict[str, Any]) -> Outcome:
    """``diff``: exit 1 if anything changed (a CI gate)."""
    return Outcome(d, diff_sections(d), exit_code=1 if d["changed"] else 0)


def audit_outcome(reg: Registry, *, app: str | None = None, text: str | Path | None = None,
                  fail_on: str | None = None) -> Outcome:
    """``audit``: the findings, and exit 1 if one is at ``fail_on`` or more severe."""
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
        out.append(Section(lines=["", f"--fail-on {fail_on}: {n} finding(s) at {fail_on} or above"
                                  + (" -> exit 1" if failed else " -> pass")]))
    return out


def impact_outcome(report: dict[str, Any], new_reg: Registry | None = None,
                   output: Path | None = None) -> Outcome:
    """``impact``: the report; with ``output``, the changed registry written there first."""
    if output is not None:
        if str(output) == "-":
            raise OutputPathError("-o -: --apply writes a registry file: give a file, not - (stdout)")
        from registry import save_registry

        save_registry(new_reg, output)
        report = {**report, "written": str(output)}
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
