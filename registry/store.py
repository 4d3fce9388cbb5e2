"""The registry file: versioned JSON, written atomically.

Shape (``format: sharegraph-registry``, ``version: 1``)::

    {"format": "sharegraph-registry", "version": 1,
     "policies": [{"app": …, "controller": …, "source": {…}, "notes": […],
                   "scenarios": […], "sdks": […], "permissions": […],
                   "fields": […], "recipients": […],
                   "evidence": [[file, line, table, row, column, text_id], …],
                   "texts": [cell text, …],
                   "flows": [{"field": …, "evidence": <index into evidence>, …}, …]}]}

Evidence and cell texts are stored once and referenced by index, so a flow
costs a few short strings on disk and the loaded flows share their Evidence.
A crash mid-write never leaves a broken file: the new file is written beside
the old one, flushed to disk and renamed over it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from registry.errors import RegistryFileError
from registry.model import (
    SDK,
    Channel,
    Evidence,
    Field,
    Flow,
    Permission,
    Policy,
    Recipient,
    RecipientKind,
    Registry,
    Scenario,
    Source,
)

FORMAT = "sharegraph-registry"
VERSION = 1


class _EvidenceTable:
    def __init__(self) -> None:
        self.rows: list[list[Any]] = []
        self.index: dict[int, int] = {}
        self.texts: list[str] = []
        self.text_index: dict[str, int] = {}

    def ref(self, ev: Evidence | None) -> int | None:
        if ev is None:
            return None
        key = id(ev)
        if key not in self.index:
            t = self.text_index.get(ev.text)
            if t is None:
                t = self.text_index[ev.text] = len(self.texts)
                self.texts.append(ev.text)
            self.index[key] = len(self.rows)
            self.rows.append([ev.file, ev.line, ev.table, ev.row, ev.column, t])
        return self.index[key]


def policy_to_dict(p: Policy) -> dict[str, Any]:
    ev = _EvidenceTable()
    d: dict[str, Any] = {
        "app": p.app,
        "controller": p.controller,
        "source": {
            "file": p.source.file, "sha256": p.source.sha256, "imported_at": p.source.imported_at,
            "encoding": p.source.encoding, "layout": p.source.layout,
        },
        "notes": list(p.notes),
        "scenarios": [
            {"name": s.name, "frequency": s.frequency, "purpose": s.purpose, "data_text": s.data_text,
             "recipients_text": s.recipients_text, "evidence": ev.ref(s.evidence)}
            for s in p.scenarios
        ],
        "sdks": [
            {"name": s.name, "provider": s.provider, "contact": s.contact, "policy_url": s.policy_url,
             "function": s.function, "need": s.need, "purpose": s.purpose, "data_text": s.data_text,
             "fields": list(s.fields), "evidence": ev.ref(s.evidence)}
            for s in p.sdks
        ],
        "permissions": [
            {"name": x.name, "platform": x.platform, "purpose": x.purpose,
             "can_disable": x.can_disable, "impact": x.impact, "fields": list(x.fields),
             "evidence": ev.ref(x.evidence)}
            for x in p.permissions
        ],
        "fields": [
            {"name": f.name, "category": f.category, "sensitive": f.sensitive, "parent": f.parent,
             "resolved": f.resolved, "aliases_seen": list(f.aliases_seen)}
            for f in p.fields
        ],
        "recipients": [
            {"name": r.name, "kind": r.kind.value, "as_written": list(r.as_written),
             "legal_entity": r.legal_entity, "resolution": r.resolution, "onward_of": r.onward_of,
             "contact": r.contact}
            for r in p.recipients
        ],
        "flows": [
            {"field": f.field, "field_as_written": f.field_as_written, "channel": f.channel.value,
             "via": f.via, "recipient": f.recipient, "recipient_as_written": f.recipient_as_written,
             "purpose": f.purpose, "frequency": f.frequency, "implied_via": f.implied_via,
             "recipient_line": f.recipient_line, "evidence": ev.ref(f.evidence)}
            for f in p.flows
        ],
    }
    d["evidence"] = ev.rows
    d["texts"] = ev.texts
    return d


def registry_to_dict(reg: Registry) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "policies": [policy_to_dict(reg.policies[a]) for a in reg.apps],
    }


def _s(x: Any) -> Any:
    """An interned string (a name recurs in every app that uses it); anything else as is."""
    return sys.intern(x) if type(x) is str else x


def policy_from_dict(d: dict[str, Any]) -> Policy:
    intern = sys.intern
    texts = d.get("texts", [])
    # one int object per distinct line number, not one per flow (32 bytes each past 256)
    ints: dict[int, int] = {}

    def num(x: Any) -> Any:
        return ints.setdefault(x, x) if type(x) is int else x

    evs = [
        Evidence(intern(r[0]), num(r[1]), intern(r[2]), r[3], intern(r[4]), texts[r[5]])
        for r in d.get("evidence", [])
    ]

    def ev(i: int | None) -> Evidence | None:
        return evs[i] if i is not None else None

    src = d["source"]
    return Policy(
        app=d["app"],
        controller=d.get("controller"),
        source=Source(src["file"], src["sha256"], src["imported_at"], src.get("encoding", "utf-8"),
                      src.get("layout", "flattened-text")),
        notes=tuple(d.get("notes", ())),
        scenarios=tuple(
            Scenario(s["name"], s["frequency"], s["purpose"], s["data_text"], s["recipients_text"],
                     ev(s["evidence"]))  # type: ignore[arg-type]
            for s in d.get("scenarios", ())
        ),
        sdks=tuple(
            SDK(s["name"], s["provider"], s["contact"], s["policy_url"], s["function"], s["need"],
                s["purpose"], s["data_text"], tuple(map(_s, s["fields"])), ev(s["evidence"]))
            for s in d.get("sdks", ())
        ),
        permissions=tuple(
            Permission(x["name"], x["platform"], x["purpose"], x["can_disable"], x["impact"],
                       tuple(map(_s, x["fields"])), ev(x["evidence"]))
            for x in d.get("permissions", ())
        ),
        fields=tuple(
            Field(_s(f["name"]), _s(f["category"]), f["sensitive"], _s(f["parent"]), f["resolved"],
                  tuple(map(_s, f["aliases_seen"])))
            for f in d.get("fields", ())
        ),
        recipients=tuple(
            Recipient(_s(r["name"]), RecipientKind(r["kind"]), tuple(map(_s, r["as_written"])),
                      _s(r["legal_entity"]), _s(r["resolution"]), _s(r["onward_of"]), _s(r["contact"]))
            for r in d.get("recipients", ())
        ),
        flows=tuple(
            Flow(intern(f["field"]), intern(f["field_as_written"]), Channel(f["channel"]),
                 intern(f["via"]), intern(f["recipient"]), intern(f["recipient_as_written"]),
                 intern(f["purpose"]), intern(f["frequency"]), evs[f["evidence"]],
                 f["implied_via"] and intern(f["implied_via"]), num(f.get("recipient_line", 0)))
            for f in d.get("flows", ())
        ),
    )


def registry_from_dict(d: Any, where: str = "<registry>") -> Registry:
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise RegistryFileError(f"{where}: not a sharegraph registry file (no \"format\": \"{FORMAT}\")")
    if d.get("version") != VERSION:
        raise RegistryFileError(
            f"{where}: registry format version {d.get('version')!r} is not supported (this tool reads {VERSION})"
        )
    reg = Registry()
    for i, p in enumerate(d.get("policies") or []):
        try:
            reg.add(policy_from_dict(p))
        except (KeyError, TypeError, IndexError, ValueError) as e:
            raise RegistryFileError(f"{where}: policy #{i + 1} is malformed ({type(e).__name__}: {e})") from e
    return reg


_WS = re.compile(r"[ \t\n\r]*")


def _registry_streamed(text: str) -> Registry | None:
    """The registry, its policies parsed and built one at a time; None if anything is off.

    Parsing the whole file first holds every flow as a JSON dict at once (~1.5 KB a
    flow) and leaves the heap too fragmented to give that back: a 1M-flow registry
    kept ~1.8 GB of RSS for ~0.5 GB of live objects. A file laid out as
    :func:`save_registry` writes it (format and version before policies) is read
    here policy by policy; anything else, or any error at all, returns None and the
    caller parses the whole document as before, so errors read exactly as they did.
    """
    dec = json.JSONDecoder()  # json.loads' own settings
    ws = _WS.match
    try:
        i = ws(text, 0).end()
        if text[i:i + 1] != "{":
            return None
        i = ws(text, i + 1).end()
        head: dict[str, Any] = {}
        reg: Registry | None = None
        while True:
            key, i = dec.raw_decode(text, i)
            if not isinstance(key, str) or key in head:
                return None
            i = ws(text, i).end()
            if text[i:i + 1] != ":":
                return None
            i = ws(text, i + 1).end()
            if key == "policies":
                if head.get("format") != FORMAT or head.get("version") != VERSION or text[i:i + 1] != "[":
                    return None
                reg = Registry()
                i = ws(text, i + 1).end()
                if text[i:i + 1] == "]":
                    i += 1
                else:
                    while True:
                        policy, i = dec.raw_decode(text, i)
                        reg.add(policy_from_dict(policy))
                        i = ws(text, i).end()
                        c, i = text[i:i + 1], i + 1
                        if c == "]":
                            break
                        if c != ",":
                            return None
                        i = ws(text, i).end()
                head[key] = None
            else:
                head[key], i = dec.raw_decode(text, i)
            i = ws(text, i).end()
            c, i = text[i:i + 1], i + 1
            if c == "}":
                break
            if c != ",":
                return None
            i = ws(text, i).end()
        return reg if ws(text, i).end() == len(text) else None
    except MemoryError:
        raise
    except Exception:
        return None


def load_registry(path: str | Path) -> Registry:
    """Load a registry file; a broken or foreign file raises RegistryFileError."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError as e:
        raise RegistryFileError(f"{path}: no such registry file") from e
    except OSError as e:
        raise RegistryFileError(f"{path}: cannot read ({e.strerror})") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RegistryFileError(f"{path}: not a sharegraph registry file (not UTF-8 JSON)") from e
    del raw
    reg = _registry_streamed(text)
    if reg is not None:
        return reg
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise RegistryFileError(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from e
    return registry_from_dict(data, str(path))


def _mode_for(p: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual 0666 less the umask."""
    try:
        return p.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def save_registry(reg: Registry, path: str | Path) -> None:
    """Write atomically: a temp file in the same folder, fsync, rename."""
    p = Path(path)
    data = json.dumps(registry_to_dict(reg), ensure_ascii=False, indent=1, sort_keys=False)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise RegistryFileError(f"{path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(tmp, _mode_for(p))
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise RegistryFileError(f"{path}: cannot write ({e.strerror})") from e
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
