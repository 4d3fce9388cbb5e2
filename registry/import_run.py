"""``sharegraph import`` as one call: documents in, an :class:`~registry.sections.Outcome` out.

One document gets its full report (tables read, what was left out, guessed or unresolved);
a folder or many documents get a one-line summary, committed in batches. ``--strict``
refuses to write anything if there is a problem, and says so on stderr with exit 1; a
document that could not be imported is one ``error:`` line and exit 2, the others go on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.atomic import output_target
from registry.build import ImportReport
from registry.errors import OutputPathError, SharegraphError
from registry.registry_file import BatchImport, add_policies, import_into_file, is_registry_file
from registry.replacement import Replacement
from registry.sections import Outcome, Section


def import_sources(sources: list[Path], output: Path, *, app: str | None = None, layout: str | None = None,
                   strict: bool = False, replace: bool = False, progress: bool = False) -> Outcome:
    """Import ``sources`` (documents, folders, registry files) into the registry file ``output``."""
    from registry import document_paths
    from registry.importer import import_document

    if str(output) == "-":
        raise OutputPathError("-o -: import adds to a registry file: give a file, not - (stdout)")
    output_target(output)  # a folder or a device is refused before any document is read
    paths = document_paths(list(sources))
    if len(paths) == 1 and not sources[0].is_dir() and not is_registry_file(paths[0]):
        policy, report = import_document(paths[0], app=app, layout=layout)
        refuse = bool(strict and report.problems)
        added = add_policies(output, [policy], replace=replace, write=not refuse)
        change = added.changes[0] if added.changes else None
        if change is not None:
            report.info.append(f"app {policy.app!r} was already in the registry; its policy was replaced")
        if refuse:
            return Outcome(report.as_dict(), report_sections(report), exit_code=1, errors=[
                f"{paths[0]}: --strict: {report.problems} problem(s) found; {output} not written"])
        return Outcome(_report_dict(report, str(output), change),
                       report_sections(report, str(output), change))
    if app is not None:
        raise SharegraphError("--app names one document's app; give one document")
    if not paths:
        raise SharegraphError("no policy documents found in the sources given")
    result = import_into_file(paths, output, layout=layout, strict=strict, replace=replace, progress=progress)
    return batch_outcome(result, output)


def _report_dict(report: ImportReport, written: str | None, change: Replacement | None) -> dict[str, Any]:
    d = report.as_dict()
    if change is not None:
        d["replaced"] = change.as_dict()
    if written:
        d["written"] = written
    return d


def _unresolved(name: str, closest: list[str]) -> str:
    """An unresolved field for people: the closest names, or the permission it is a word for
    (内存卡权限: an alias in ``data/permissions.yaml``, whose fields the import read it as)."""
    from registry.vocabulary import load_vocabulary

    perm = load_vocabulary().permission(name)
    if perm is not None:
        gives = f"read as {', '.join(perm.fields)}, low" if perm.fields else "no personal data"
        return f"{name} (a permission: {perm.name}; {gives})"
    return name + (f" (closest: {', '.join(closest)})" if closest else "")


def report_sections(report: ImportReport, written: str | None = None,
                    change: Replacement | None = None) -> list[Section]:
    """One document's import for people: the counts, then each table, problem and replacement."""
    c = report.counts
    out = [f"imported {report.app}: {c.get('sharing_rows', 0)} sharing rows, {c.get('sdks', 0)} SDKs, "
           f"{c.get('permissions', 0)} permissions ({c.get('permission_rows', 0)} rows), "
           f"{c.get('recipients', 0)} recipients, {c.get('fields', 0)} fields "
           f"({c.get('sensitive_fields', 0)} sensitive), {c.get('flows', 0)} flows"]
    out += [f"  table at line {t['line']}: {t['kind']}, {t['rows']} rows" for t in report.tables]
    for title, items in (("left out", report.left_out), ("guessed", report.guesses)):
        out.extend(f"  {title}: {x}" for x in items)
    out.extend(f"  unresolved field: {_unresolved(name, sugg)}" for name, sugg in report.unresolved_fields.items())
    out.extend(f"  unresolved recipient: {r} (no evidence ties it to a legal entity)"
               for r in report.unresolved_recipients)
    if change is not None:
        out.append(change.line())
    if written:
        out.append(f"registry written to {written}")
    return [Section(lines=out)]


def batch_outcome(result: BatchImport, output: Path) -> Outcome:
    """Many documents: the summary (all reports in ``--json``), one stderr line per failure.

    Under ``--strict`` with a problem, the summary as key/value rows and exit 1, nothing written.
    """
    summary = result.summary()
    if result.strict_failed:
        return Outcome(summary, [Section(rows=[{"key": k, "value": v} for k, v in summary.items()])],
                       exit_code=1, errors=[f"--strict: {summary['problems']} problem(s) in "
                                            f"{result.documents} documents; {output} not written"])
    head = (f"imported {summary['imported']} of {summary['documents']} documents "
            f"({summary['flows']} flows) into {output}" if result.reports else "nothing imported")
    return Outcome({**summary, "reports": [r.as_dict() for r in result.reports]},
                   [Section(lines=[head, *(f"  {c.line()}" for c in result.changes)])],
                   errors=list(result.failed), exit_code=2 if result.failed else 0)
