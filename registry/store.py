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
the old one, flushed to disk and renamed over it (:mod:`registry.atomic`).
Loading checks every value against ``docs/registry-file-schema.json`` and says
what is wrong in one line naming its JSON path (:func:`diagnose`).
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import stat
import sys
from pathlib import Path
from typing import Any

from registry.atomic import atomic_output, file_kind, file_lock
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
    fact_from_dict,
    fact_to_dict,
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
    """One policy as JSON-ready data, evidence shared through a table (the registry file's form)."""
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
             "recipients_text": s.recipients_text, "evidence": ev.ref(s.evidence), **_attrs(s.attributes)}
            for s in p.scenarios
        ],
        "sdks": [
            {"name": s.name, "provider": s.provider, "contact": s.contact, "policy_url": s.policy_url,
             "function": s.function, "need": s.need, "purpose": s.purpose, "data_text": s.data_text,
             "fields": list(s.fields), "evidence": ev.ref(s.evidence), **_attrs(s.attributes)}
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
             "contact": r.contact, **({"facts": [fact_to_dict(f) for f in r.facts]} if r.facts else {})}
            for r in p.recipients
        ],
        "flows": [
            {"field": f.field, "field_as_written": f.field_as_written, "channel": f.channel.value,
             "via": f.via, "recipient": f.recipient, "recipient_as_written": f.recipient_as_written,
             "purpose": f.purpose, "frequency": f.frequency, "implied_via": f.implied_via,
             "recipient_line": f.recipient_line, "evidence": ev.ref(f.evidence), **_flow_extra(f)}
            for f in p.flows
        ],
    }
    d["evidence"] = ev.rows
    d["texts"] = ev.texts
    if p.text is not None:  # the document itself, so that nothing needs the file again
        d["text"] = p.text
    return d


def _attrs(attributes: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {"attributes": [list(a) for a in attributes]} if attributes else {}


def _flow_extra(f: Flow) -> dict[str, Any]:
    """How a flow was read, written only where it differs from a plain table row (keeps files small)."""
    out: dict[str, Any] = {}
    if f.form != "table":
        out["form"] = f.form
    if f.confidence != "high":
        out["confidence"] = f.confidence
    if f.note:
        out["note"] = f.note
    if f.qualifiers:
        out["qualifiers"] = list(f.qualifiers)
    return out


def registry_to_dict(reg: Registry) -> dict[str, Any]:
    """The registry as JSON-ready data, with its format name and version."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "policies": [policy_to_dict(reg.policies[a]) for a in reg.apps],
    }


def _s(x: Any) -> Any:
    """An interned string (a name recurs in every app that uses it); anything else as is."""
    return sys.intern(x) if type(x) is str else x


class _Bad(Exception):
    """A value the registry schema does not allow; :func:`diagnose` words it."""


def _t(x: Any) -> str:
    if type(x) is str:
        return sys.intern(x)
    raise _Bad


def _ot(x: Any) -> str | None:
    if x is None or type(x) is str:
        return x if x is None else sys.intern(x)
    raise _Bad


def _b(x: Any) -> bool:
    if type(x) is bool:
        return x
    raise _Bad


def _names(x: Any) -> tuple[str, ...]:
    if type(x) is list:
        return tuple(map(_t, x))
    raise _Bad


def _pairs(x: Any) -> tuple[tuple[str, str], ...]:
    """``[[label, text], …]`` as a tuple of pairs, each checked."""
    out = []
    for pair in _list(x) if x != () else []:
        if type(pair) is not list or len(pair) != 2:
            raise _Bad
        out.append((_t(pair[0]), _t(pair[1])))
    return tuple(out)


def _list(x: Any) -> list[Any]:
    if type(x) is list:
        return x
    raise _Bad


def policy_from_dict(d: dict[str, Any]) -> Policy:
    """A policy from its registry-file dict, every value checked as the schema says.

    The checks run as the objects are built (a type test per value), so a million
    flows load at the speed they did unchecked; a value the schema does not allow
    raises (``TypeError``, ``KeyError``, ``ValueError``, ``IndexError`` or ``_Bad``), and
    :func:`registry_from_dict` turns that into one line naming its path (:func:`diagnose`).
    """
    intern = sys.intern
    texts = _list(d.get("texts", []))
    for t in texts:
        _t(t)
    # one int object per distinct line number, not one per flow (32 bytes each past 256)
    ints: dict[int, int] = {}

    def num(x: Any) -> int:
        if type(x) is int and x >= 0:
            return ints.setdefault(x, x)
        raise _Bad

    def text_at(i: Any) -> str:
        if type(i) is int and i >= 0:
            return texts[i]  # type: ignore[no-any-return]
        raise _Bad

    def row(r: Any) -> Evidence:
        if type(r) is not list or len(r) != 6:
            raise _Bad
        return Evidence(intern(r[0]), num(r[1]), intern(r[2]), num(r[3]), intern(r[4]), text_at(r[5]))

    evs = [row(r) for r in _list(d.get("evidence", []))]

    def ev_at(i: Any) -> Evidence:
        if type(i) is int and i >= 0:
            return evs[i]
        raise _Bad

    def ev(i: Any) -> Evidence | None:
        return None if i is None else ev_at(i)

    src = d["source"]
    if type(src) is not dict:
        raise _Bad
    app = d["app"]
    if type(app) is not str or not app:
        raise _Bad
    doc = d.get("text")  # absent in files written before the document was kept
    if "text" in d and type(doc) is not str:
        raise _Bad
    return Policy(
        app=app,
        controller=_ot(d.get("controller")),
        source=Source(_t(src["file"]), _t(src["sha256"]), _t(src["imported_at"]),
                      _t(src.get("encoding", "utf-8")), _t(src.get("layout", "flattened-text"))),
        notes=_names(d.get("notes", [])),
        scenarios=tuple(
            Scenario(_t(s["name"]), _t(s["frequency"]), _t(s["purpose"]), _t(s["data_text"]),
                     _t(s["recipients_text"]), ev(s["evidence"]),  # type: ignore[arg-type]
                     _pairs(s.get("attributes", ())))
            for s in _list(d.get("scenarios", []))
        ),
        sdks=tuple(
            SDK(_t(s["name"]), _t(s["provider"]), _t(s["contact"]), _t(s["policy_url"]), _t(s["function"]),
                _t(s["need"]), _t(s["purpose"]), _t(s["data_text"]), _names(s["fields"]), ev(s["evidence"]),
                _pairs(s.get("attributes", ())))
            for s in _list(d.get("sdks", []))
        ),
        permissions=tuple(
            Permission(_t(x["name"]), _t(x["platform"]), _t(x["purpose"]), _t(x["can_disable"]),
                       _t(x["impact"]), _names(x["fields"]), ev(x["evidence"]))
            for x in _list(d.get("permissions", []))
        ),
        fields=tuple(
            Field(_t(f["name"]), _ot(f["category"]), _b(f["sensitive"]), _ot(f["parent"]), _b(f["resolved"]),
                  _names(f["aliases_seen"]))
            for f in _list(d.get("fields", []))
        ),
        recipients=tuple(
            Recipient(_t(r["name"]), RecipientKind(r["kind"]), _names(r["as_written"]),
                      _ot(r["legal_entity"]), _ot(r["resolution"]), _ot(r["onward_of"]), _ot(r["contact"]),
                      tuple(fact_from_dict(f) for f in _list(r.get("facts", []))))
            for r in _list(d.get("recipients", []))
        ),
        flows=tuple(
            Flow(intern(f["field"]), intern(f["field_as_written"]), Channel(f["channel"]),
                 intern(f["via"]), intern(f["recipient"]), intern(f["recipient_as_written"]),
                 intern(f["purpose"]), intern(f["frequency"]), ev_at(f["evidence"]),
                 None if (iv := f["implied_via"]) is None else intern(iv), num(f.get("recipient_line", 0)),
                 intern(_t(f.get("form", "table"))), intern(_t(f.get("confidence", "high"))),
                 _t(f.get("note", "")), _names(f["qualifiers"]) if "qualifiers" in f else ())
            for f in _list(d.get("flows", []))
        ),
        text=doc,
    )


# -- saying what is wrong with a registry file -------------------------------------------------

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "registry-file-schema.json"
_BUILD_ERRORS = (_Bad, KeyError, TypeError, ValueError, IndexError, AttributeError)
_TYPE_WORDS = {"array": "a list", "object": "a mapping", "string": "a string", "integer": "an integer",
               "boolean": "true or false", "number": "a number", "null": "null"}


def _where(path: Any) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


@functools.cache
def _policy_validator() -> Any:
    """A jsonschema validator of one policy (``#/$defs/policy``); None without the schema file."""
    try:
        full = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        from jsonschema import Draft202012Validator, validators
    except (OSError, ValueError, ImportError):
        return None
    # JSON integers only: 1.0 and true are not evidence indexes here (jsonschema would take them)
    checker = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, x: type(x) is int)
    strict = validators.extend(Draft202012Validator, type_checker=checker)
    return strict({"$schema": full["$schema"], "$defs": full["$defs"], "$ref": "#/$defs/policy"})


def _wording(err: Any) -> str:
    v = err.validator
    if v == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        return "expected " + " or ".join(_TYPE_WORDS.get(t, t) for t in wanted) + f", not {_shown(err.instance)}"
    if v == "required":
        missing = [k for k in err.validator_value if isinstance(err.instance, dict) and k not in err.instance]
        return f"missing key {missing[0]!r}" if missing else "a key is missing"
    if v == "enum":
        return f"expected one of {', '.join(map(str, err.validator_value))}, not {_shown(err.instance)}"
    if v == "minimum":
        return f"must be {err.validator_value} or more, not {_shown(err.instance)}"
    if v in ("minItems", "maxItems"):
        return f"expected {err.validator_value} items, not {len(err.instance)}"
    if v == "minLength":
        return "must not be empty"
    return " ".join(str(err.message).split())[:200]


def _shown(x: Any) -> str:
    text = json.dumps(x, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def diagnose(policy: Any, i: int) -> str | None:
    """'policies[i].<path>: what is wrong' for a policy that failed to build, or None.

    The schema (docs/registry-file-schema.json) words the problem where it covers it;
    indexes past the end of their list and a negative or non-integer index are checked here.
    """
    at = f"policies[{i}]"
    v = _policy_validator()
    if v is not None:
        from jsonschema.exceptions import best_match

        err = best_match(v.iter_errors(policy))
        if err is not None:
            return f"{_where([at, *err.absolute_path])}: {_wording(err)}"
    if not isinstance(policy, dict):
        return f"{at}: expected a mapping, not {_shown(policy)}"
    texts = policy.get("texts") or []
    evidence = policy.get("evidence") or []
    for k, r in enumerate(evidence):
        if isinstance(r, list) and len(r) == 6 and isinstance(r[5], int) and r[5] >= len(texts):
            return f"{at}.evidence[{k}][5]: text #{r[5]} does not exist (the policy has {len(texts)})"
    for part in ("scenarios", "sdks", "permissions", "flows"):
        for k, x in enumerate(policy.get(part) or []):
            e = x.get("evidence") if isinstance(x, dict) else None
            if isinstance(e, int) and e >= len(evidence):
                return f"{at}.{part}[{k}].evidence: evidence #{e} does not exist (the policy has {len(evidence)})"
    return None


def _build(policy: Any, i: int, where: str) -> Policy:
    try:
        return policy_from_dict(policy)
    except _BUILD_ERRORS as e:
        why = diagnose(policy, i) or f"policies[{i}]: malformed ({type(e).__name__}: {' '.join(str(e).split())[:120]})"
        raise RegistryFileError(f"{where}: {why}") from None


def _add(reg: Registry, policy: Policy, i: int, where: str) -> None:
    if policy.app in reg.policies:
        raise RegistryFileError(f"{where}: policies[{i}].app: app {policy.app!r} is given twice")
    reg.add(policy)


def registry_from_dict(d: Any, where: str = "<registry>") -> Registry:
    """The registry of :func:`registry_to_dict` data; RegistryFileError names what is wrong."""
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise RegistryFileError(f"{where}: not a sharegraph registry file (no \"format\": \"{FORMAT}\")")
    if type(d.get("version")) is not int or d["version"] != VERSION:
        shown = _shown(d.get("version"))
        raise RegistryFileError(
            f"{where}: registry format version {shown} is not supported (this tool reads {VERSION})"
        )
    policies = d.get("policies")
    if type(policies) is not list:
        raise RegistryFileError(f"{where}: policies: expected a list, not {_shown(policies)}")
    reg = Registry()
    for i, p in enumerate(policies):
        _add(reg, _build(p, i, where), i, where)
    return reg


_WS = re.compile(r"[ \t\n\r]*")


def _registry_streamed(text: str, where: str = "<registry>") -> Registry | None:
    """The registry, its policies parsed and built one at a time; None if anything is off.

    Parsing the whole file first holds every flow as a JSON dict at once (~1.5 KB a
    flow) and leaves the heap too fragmented to give that back: a 1M-flow registry
    kept ~1.8 GB of RSS for ~0.5 GB of live objects. A file laid out as
    :func:`save_registry` writes it (format and version before policies) is read
    here policy by policy; anything else, or any JSON error at all, returns None and the
    caller parses the whole document as before, so errors read exactly as they did. A
    policy that parses but breaks the schema raises its one-line RegistryFileError here.
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
                if (head.get("format") != FORMAT or type(head.get("version")) is not int
                        or head["version"] != VERSION or text[i:i + 1] != "["):
                    return None
                reg = Registry()
                i = ws(text, i + 1).end()
                if text[i:i + 1] == "]":
                    i += 1
                else:
                    n = 0
                    while True:
                        policy, i = dec.raw_decode(text, i)
                        _add(reg, _build(policy, n, where), n, where)
                        n += 1
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
    except (MemoryError, RegistryFileError):
        raise
    except Exception:
        return None


def _read(path: str | Path) -> bytes:
    """The bytes of a registry file; a folder, device or socket is refused before any read."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError as e:
        raise RegistryFileError(f"{path}: no such registry file") from e
    except OSError as e:
        raise RegistryFileError(f"{path}: cannot read ({e.strerror})") from e
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        # /dev/zero would be read until memory runs out
        raise RegistryFileError(f"{path}: is {file_kind(st.st_mode)}, not a registry file")
    try:
        return p.read_bytes()
    except OSError as e:
        raise RegistryFileError(f"{path}: cannot read ({e.strerror})") from e


def _decode(raw: bytes, path: str | Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            why = "UTF-16 text; a registry file is UTF-8 JSON"
        elif e.reason == "unexpected end of data" and e.end == len(raw):
            why = f"the file ends inside a UTF-8 character at byte {e.start}: it is cut short"
        else:
            line = raw[: e.start].count(b"\n") + 1
            why = f"not UTF-8 JSON (byte 0x{raw[e.start]:02x} at line {line} is not UTF-8)"
        raise RegistryFileError(f"{path}: not a sharegraph registry file ({why})") from None


def _parse(text: str, path: str | Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
            raise RegistryFileError(f"{path}:{e.lineno}: not valid JSON: the file ends before its JSON does "
                                    "(cut short?)") from None
        raise RegistryFileError(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from None
    except RecursionError:
        raise RegistryFileError(f"{path}: not valid JSON for a registry: nested too deeply") from None
    except ValueError as e:  # an integer of more than sys.get_int_max_str_digits() digits
        why = (f"a number longer than {sys.get_int_max_str_digits()} digits" if "digits" in str(e)
               else " ".join(str(e).split())[:120])
        raise RegistryFileError(f"{path}: not valid JSON for a registry: {why}") from None


def load_registry(path: str | Path) -> Registry:
    """Load a registry file; a broken or foreign file raises a one-line RegistryFileError.

    Every value is checked against docs/registry-file-schema.json as it is built; the
    error names the JSON path (``reg.json: policies[0].fields[3].sensitive: expected
    true or false, not "no"``).
    """
    text = _decode(_read(path), path)
    reg = _registry_streamed(text, str(path))
    if reg is not None:
        return reg
    return registry_from_dict(_parse(text, path), str(path))


def registry_lock(path: str | Path, *, timeout: float | None = None) -> Any:
    """Hold the registry file's write lock for a read-modify-write (see :func:`registry.atomic.file_lock`).

    ``with registry_lock(out): reg = load_registry(out); …; save_registry(reg, out)``:
    two processes doing this at once both land; the second waits for the first.
    """
    return file_lock(path, timeout=timeout)


def save_registry(reg: Registry, path: str | Path) -> None:
    """Write atomically: a temp file in the same folder, fsync, rename (see :mod:`registry.atomic`).

    A target that exists and is not a regular file (a device, a folder, a FIFO) is
    refused with :class:`~registry.errors.OutputPathError`; a symbolic link to a
    regular file is written through.
    """
    data = json.dumps(registry_to_dict(reg), ensure_ascii=False, indent=1, sort_keys=False)
    try:
        with file_lock(path), atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.write("\n")
    except OSError as e:
        raise RegistryFileError(f"{path}: cannot write ({e.strerror or e})") from e
