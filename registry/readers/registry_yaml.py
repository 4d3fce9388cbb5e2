"""Registry-as-code: one app's sharing list, SDKs and permissions as a YAML file.

A team that keeps its disclosures in version control writes them by hand::

    sharegraph: 1
    app: 某某出行
    controller: 某某出行科技有限公司
    scenarios:
      - name: 网约车派单
        purpose: 为您匹配司机
        fields: [手机号码, 位置信息]
        recipients: [某某汽车服务有限公司]
    sdks:
      - name: 高德地图SDK
        provider: 高德软件有限公司
        fields: [位置信息]

The file is checked against ``docs/registry-schema.json`` (JSON Schema 2020-12);
a problem is reported as one line naming the file, the line and the field
(``policy.yaml:14: scenarios[2].recipients: expected a list``). The entries then
become tables whose cells carry the YAML's line numbers, and go through
:func:`~registry.build.build_policy` like any document's tables, so fields,
recipients and flows are normalized the same way.

:func:`registry_to_yaml` writes a policy back as such a file; importing it gives
the same scenarios, SDKs, permissions, fields, recipients and flows (only the
evidence lines, the raw cell texts and the source differ).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry.build import ImportReport, build_policy
from registry.errors import SourceError, VocabularyError
from registry.model import Channel, Policy, Recipient, RecipientKind
from registry.normalize import classify_recipient, onward_clause
from registry.readers import Document, Found
from registry.source import SourceText
from registry.splitting import split_enumerations, split_items
from registry.tables import Cell, RawRow, RawTable
from registry.vocabulary import Vocabulary, load_vocabulary

if TYPE_CHECKING:  # PyYAML is imported where a registry-as-code file is read or written
    import yaml  # (every import asks has_marker; few documents are one)

LAYOUT = "registry-yaml"
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "registry-schema.json"
_MARKER = re.compile(r"^sharegraph[ \t]*:", re.MULTILINE)

_SHARING = (("name", "scenario"), ("fields", "data"), ("frequency", "frequency"),
            ("purpose", "purpose"), ("recipients", "recipient"))
_SDK = (("name", "sdk_name"), ("provider", "provider"), ("contact", "contact"),
        ("policy_url", "policy_url"), ("function", "function"), ("need", "need"),
        ("purpose", "purpose"), ("fields", "data"))
_PERMISSION = (("name", "permission"), ("platform", "platform"), ("purpose", "purpose"),
               ("can_disable", "can_disable"), ("impact", "impact"))
_TYPES = {"array": "a list", "object": "a mapping", "string": "a string", "integer": "an integer",
          "boolean": "true or false", "number": "a number", "null": "nothing"}


def has_marker(text: str) -> bool:
    """True if the text has a top-level ``sharegraph:`` key."""
    return bool(_MARKER.search(text))


@functools.cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of registry-as-code files."""
    try:
        return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError) as e:
        raise VocabularyError(f"{SCHEMA_PATH}: cannot read the registry-as-code schema ({e})") from e


# -- reading and validating ---------------------------------------------------------------

MAX_DEPTH = 32
"""How deep lists and mappings may nest; registry-as-code needs 4 (scenarios[0].recipients[0].name)."""


@functools.cache
def _loader_class() -> type:
    """The loader class, made on first use (it subclasses PyYAML's, imported only then)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        """PyYAML's safe loader, refusing aliases and deep nesting while it composes.

        An alias (``*a``) stands for a whole node: nine aliases of nine aliases make a
        "billion laughs" file of a few hundred bytes that every walk over the tree
        expands, and a registry-as-code file has nothing to repeat by reference.
        Composing recurses per level, so depth is bounded here, before Python's own
        recursion limit would end the process with a traceback.
        """

        def __init__(self, stream: str, path: str) -> None:
            super().__init__(stream)
            self.path = path
            self.depth = 0

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise SourceError(self.path, f"YAML aliases (*{event.anchor}) are not allowed in registry-as-code: "
                                             "write the value out", event.start_mark.line + 1)
            if self.depth >= MAX_DEPTH:
                raise SourceError(self.path, f"nested more than {MAX_DEPTH} levels deep",
                                  self.peek_event().start_mark.line + 1)
            self.depth += 1
            try:
                return super().compose_node(parent, index)  # type: ignore[no-any-return]
            finally:
                self.depth -= 1

    return _Loader


def _compose(text: str, path: str) -> tuple[Any, yaml.Node]:
    import yaml

    try:
        loader = _loader_class()(text, path)
    except yaml.reader.ReaderError as e:  # a control character YAML does not allow
        line = text[: e.position].count("\n") + 1
        raise SourceError(path, f"not valid YAML (character #x{e.character:04x} is not allowed)", line) from e
    try:
        node = loader.get_single_node()
        if node is None:
            raise SourceError(path, "the file is empty")
        _check_keys(node, path, [])
        return loader.construct_document(node), node
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = e.problem or e.context or "not valid YAML"
        raise SourceError(path, f"not valid YAML ({problem})", mark.line + 1 if mark else None) from e
    except yaml.YAMLError as e:
        raise SourceError(path, f"not valid YAML ({e})") from e
    finally:
        loader.dispose()


def _check_keys(node: yaml.Node, path: str, where: list[str | int]) -> None:
    """Duplicate keys, which a YAML loader would silently drop, are an error here."""
    # a node's kind by its ``id`` (scalar, sequence, mapping), as PyYAML names them
    if node.id == "mapping":
        seen: set[str] = set()
        for k, v in node.value:
            key = str(k.value)
            if key in seen:
                raise SourceError(path, f"{_where([*where, key])}: given twice", k.start_mark.line + 1)
            seen.add(key)
            _check_keys(v, path, [*where, key])
    elif node.id == "sequence":
        for i, v in enumerate(node.value):
            _check_keys(v, path, [*where, i])


def _where(path: list[str | int] | tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _node_at(root: yaml.Node, path: list[str | int] | tuple[str | int, ...]) -> tuple[yaml.Node, yaml.Node | None]:
    """The node at a JSON path, and the key node that names it (if in a mapping)."""
    node, key = root, None
    for p in path:
        if node.id == "mapping":
            hit = next(((k, v) for k, v in node.value if str(k.value) == str(p)), None)
            if hit is None:
                break
            key, node = hit
        elif node.id == "sequence" and isinstance(p, int) and p < len(node.value):
            key, node = None, node.value[p]
        else:
            break
    return node, key


def _line(root: yaml.Node, path: list[str | int] | tuple[str | int, ...], *, key: bool = False) -> int:
    node, knode = _node_at(root, path)
    if key and knode is not None:
        return int(knode.start_mark.line) + 1
    return int(node.start_mark.line) + 1


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {dict: "object", list: "array", str: "string", type(None): "null"}.get(type(value), "value")


def _describe(err: Any, root: yaml.Node) -> tuple[int, str]:
    """(line, 'where: what') for one jsonschema error."""
    path = list(err.absolute_path)
    v = err.validator
    if v in ("anyOf", "oneOf") and err.context:
        wrong = {c.relative_schema_path[0] for c in err.context if c.validator == "type" and not c.path}
        same = [c for c in err.context if c.relative_schema_path[0] not in wrong]
        if same:  # the branch of the right type: its own error says more
            return _describe(max(same, key=lambda c: len(c.absolute_path)), root)
        return _line(root, path), f"{_where(path)}: expected {err.schema.get('x-expected', 'something else')}"
    if v == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        msg = "expected " + " or ".join(_TYPES.get(t, t) for t in wanted)
        if "string" in wanted and isinstance(err.instance, int | float | bool):
            msg += " (put it in quotes)"
        return _line(root, path), f"{_where(path)}: {msg}"
    if v == "required":
        missing = [k for k in err.validator_value if k not in err.instance]
        name = missing[0] if missing else "?"
        label = f"{_where(path)}: " if path else ""
        return _line(root, path), f"{label}missing key {name!r}"
    if v == "additionalProperties":
        allowed = set(err.schema.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed]
        name = str(extra[0]) if extra else "?"
        return (_line(root, [*path, name], key=True),
                f"{_where([*path, name])}: unknown key (expected one of {', '.join(sorted(allowed))})")
    if v == "const":
        return _line(root, path), f"{_where(path)}: expected {json.dumps(err.validator_value)}"
    if v == "enum":
        return _line(root, path), f"{_where(path)}: expected one of {', '.join(map(str, err.validator_value))}"
    if v in ("minLength", "minItems"):
        return _line(root, path), f"{_where(path)}: must not be empty"
    return _line(root, path), f"{_where(path)}: {err.message}"


def validate(text: str, path: str) -> tuple[dict[str, Any], yaml.Node]:
    """The file's data and node tree, or a one-line SourceError naming line and field."""
    from jsonschema import Draft202012Validator

    data, root = _compose(text, path)
    errors = list(Draft202012Validator(schema()).iter_errors(data))
    if errors:
        found = sorted((_describe(e, root) for e in errors), key=lambda x: x[0])
        line, msg = found[0]
        more = len({m for _, m in found}) - 1
        if more:
            msg += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise SourceError(path, msg, line)
    return data, root


# -- from YAML to tables -----------------------------------------------------------------

@dataclass
class RegistryYaml:
    """What a registry-as-code file holds besides its tables."""

    app: str
    controller: str | None
    tables: list[RawTable]
    recipients: dict[str, dict[str, str]] = field(default_factory=dict)
    """Recipient name as written -> the kind, onward_of, contact the file fixes for it."""


def _items(node: yaml.Node, value: Any) -> tuple[tuple[int, str], ...]:
    """A scalar's lines as cell items, each with its line in the file."""
    if isinstance(value, bool):
        value = "是" if value else "否"
    text = str(value)
    first = int(node.start_mark.line) + 1
    if node.id == "scalar" and node.style in ("|", ">"):
        first += 1
    return tuple((first + k, t) for k, t in enumerate(text.split("\n")) if t.strip())


def _cells(entry: yaml.MappingNode, data: dict[str, Any], columns: tuple[tuple[str, str], ...],
           out: RegistryYaml) -> dict[str, Cell]:
    nodes = {str(k.value): v for k, v in entry.value}
    cells: dict[str, Cell] = {}
    for key, role in columns:
        if data.get(key) is None:
            continue
        node, value = nodes[key], data[key]
        if isinstance(value, list):
            items: list[tuple[int, str]] = []
            for n, v in zip(node.value, value, strict=True):  # type: ignore[union-attr]
                if isinstance(v, dict):
                    name_node = next(val for k, val in n.value if k.value == "name")
                    items.extend(_items(name_node, v["name"]))
                    fixed = {k: str(x) for k, x in v.items() if k != "name"}
                    if fixed:
                        out.recipients[v["name"]] = fixed
                else:
                    items.extend(_items(n, v))
            cells[role] = Cell(tuple(items))
        else:
            cells[role] = Cell(_items(node, value))
    return cells


def _attributes(entry: yaml.MappingNode, data: dict[str, Any]) -> dict[str, Cell]:
    """An entry's ``attributes`` mapping as extra cells, each on its value's line."""
    attrs = data.get("attributes") or {}
    if not attrs:
        return {}
    node = next(v for k, v in entry.value if k.value == "attributes")
    lines = {str(k.value): int(v.start_mark.line) + 1 for k, v in node.value}  # type: ignore[union-attr]
    return {str(k): Cell(((lines.get(str(k), 0), str(v)),)) for k, v in attrs.items() if v is not None}


def read_registry_yaml(text: str, path: str) -> RegistryYaml:
    """Validate a registry-as-code file and turn it into tables (cells carry YAML lines)."""
    data, root = validate(text, path)
    out = RegistryYaml(app=data["app"], controller=data.get("controller"), tables=[])
    top = {str(k.value): v for k, v in root.value}  # type: ignore[attr-defined]
    for key, kind, columns in (("sdks", "sdk", _SDK), ("permissions", "permission", _PERMISSION),
                               ("scenarios", "sharing", _SHARING)):
        entries = data.get(key) or []
        if not entries:
            continue
        node = top[key]
        table = RawTable(kind, int(node.start_mark.line) + 1, [k for k, _ in columns],
                         [r for _, r in columns], layout=LAYOUT)
        for n, d in zip(node.value, entries, strict=True):
            table.rows.append(RawRow(line=int(n.start_mark.line) + 1, cells=_cells(n, d, columns, out),
                                     extras=_attributes(n, d)))
        out.tables.append(table)
    return out


def import_registry_yaml(
    src: SourceText,
    *,
    app: str | None = None,
    vocab: Vocabulary | None = None,
    imported_at: str | None = None,
) -> tuple[Policy, ImportReport]:
    """Import a registry-as-code file as a policy, through the same builder as documents."""
    ry = read_registry_yaml(src.text, src.path)
    vocab = vocab or load_vocabulary()
    policy, report = build_policy(
        ry.tables, file=src.name, sha256=src.sha256, text="", vocab=vocab, app=app or ry.app,
        encoding=src.encoding, layout=LAYOUT, imported_at=imported_at,
    )
    policy = _fix_recipients(dataclasses.replace(policy, controller=ry.controller), ry.recipients, vocab, report)
    return policy, report


def _fix_recipients(policy: Policy, fixed: dict[str, dict[str, str]], vocab: Vocabulary,
                    report: ImportReport | None = None) -> Policy:
    """Apply the ``{name, kind, onward_of, contact}`` mappings of a file's recipients.

    A mapping with a ``kind`` fixes the recipient as written: that name, that kind,
    neither resolved through the vocabulary's aliases nor, as a brand, through the
    file's SDKs (``{name: 个推, kind: company}`` is a company called 个推, not the
    provider of an SDK whose name says 个推). A mapping without one only sets
    ``onward_of`` and ``contact`` on the recipient the name is taken for.
    """
    if not fixed:
        return policy
    as_written = {w: a for w, a in fixed.items() if "kind" in a}
    if as_written:
        policy = _take_as_written(policy, as_written, report)
    by_name: dict[str, dict[str, str]] = {}
    for written, attrs in fixed.items():
        if written not in as_written:
            by_name[classify_recipient(written, vocab)[0].name] = attrs
    recips = []
    for r in policy.recipients:
        attrs = by_name.get(r.name)
        if attrs:
            r = dataclasses.replace(
                r,
                onward_of=attrs.get("onward_of", r.onward_of),
                contact=attrs.get("contact", r.contact),
            )
        recips.append(r)
    return dataclasses.replace(policy, recipients=tuple(recips))


def _take_as_written(policy: Policy, fixed: dict[str, dict[str, str]], report: ImportReport | None) -> Policy:
    """Sharing flows to a name of ``fixed`` go to that name as written, of the kind given."""
    flows = []
    keys: set[tuple[Any, ...]] = set()
    for f in policy.flows:
        if f.channel is Channel.SHARING and f.recipient_as_written in fixed:
            f = dataclasses.replace(f, recipient=f.recipient_as_written)
        key = (f.field, f.channel, f.via, f.recipient, f.implied_via)
        if key not in keys:  # "A及其委托的…" fixed as one recipient: its two flows are one
            keys.add(key)
            flows.append(f)
    used = {f.recipient for f in flows}
    had_flows = {f.recipient for f in policy.flows}
    recips: dict[str, Recipient] = {}
    for r in policy.recipients:
        gone = [w for w in r.as_written if w in fixed and w != r.name]
        if gone:  # the names it was taken for no longer lead to it
            notes = [n for n in (r.resolution or "").split("; ")
                     if n and not any(n.startswith(f"brand {w} -> ") for w in gone)]
            r = dataclasses.replace(r, as_written=tuple(w for w in r.as_written if w not in gone),
                                    resolution="; ".join(notes) or None,
                                    legal_entity=r.legal_entity if notes else None)
        if r.name in used or r.name not in had_flows:
            recips[r.name] = r
    for written, attrs in fixed.items():
        if written not in used:
            continue
        old = recips.get(written)
        recips[written] = Recipient(
            written, RecipientKind(attrs["kind"]),
            as_written=tuple(dict.fromkeys([*(old.as_written if old else ()), written])),
            onward_of=attrs.get("onward_of"), contact=attrs.get("contact") or (old.contact if old else None))
    if report is not None:
        unresolved = {x for x in report.unresolved_recipients if x not in fixed}
        unresolved |= {w for w, a in fixed.items() if a["kind"] == "brand" and w in used}  # tied to no one
        report.unresolved_recipients = sorted(unresolved)
        report.counts["recipients"] = len(recips)
        report.counts["flows"] = len(flows)
    return dataclasses.replace(policy, flows=tuple(flows),
                               recipients=tuple(r for _, r in sorted(recips.items())))


# -- from a policy to YAML ---------------------------------------------------------------

def _as_written(text: str) -> list[str]:
    """A cell's items as written (groups with their parenthesis), as the builder splits them."""
    return [it.raw or it.text for line in text.split("\n") for it in split_items(line)]


def _recipients_as_written(text: str, vocab: Vocabulary) -> list[str]:
    """A recipient cell's items as written; a list whose onward clause speaks of names before it
    (``A、B及其委托的…``) stays one entry, so that the clause reaches them again on import."""
    out: list[str] = []
    for e in split_enumerations([(0, line) for line in text.split("\n")], vocab=vocab):
        texts = [it.raw or it.text for it in e.items]
        if any(i > 0 and onward_clause(t, vocab) for i, t in enumerate(texts)):
            out.append(e.written(0, len(texts) - 1))
        else:
            out.extend(texts)
    return out


def _entry(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {k: v for k, v in pairs if v not in ("", None)}


def policy_to_data(policy: Policy, vocab: Vocabulary | None = None) -> dict[str, Any]:
    """The registry-as-code document of a policy, as plain data."""
    data: dict[str, Any] = {"sharegraph": 1, "app": policy.app}
    if policy.controller:
        data["controller"] = policy.controller
    vocab = vocab or load_vocabulary()
    if policy.scenarios:
        data["scenarios"] = [
            _entry([("name", s.name), ("purpose", s.purpose), ("frequency", s.frequency),
                    ("fields", _as_written(s.data_text)),
                    ("recipients", _recipients_as_written(s.recipients_text, vocab))])
            | ({"attributes": dict(s.attributes)} if s.attributes else {})
            for s in policy.scenarios
        ]
        for s in data["scenarios"]:
            s.setdefault("fields", [])
            s.setdefault("recipients", [])
    if policy.sdks:
        data["sdks"] = [
            _entry([("name", s.name), ("provider", s.provider), ("contact", s.contact),
                    ("policy_url", s.policy_url), ("function", s.function), ("need", s.need),
                    ("purpose", s.purpose)]) | {"fields": _as_written(s.data_text)}
            | ({"attributes": dict(s.attributes)} if s.attributes else {})
            for s in policy.sdks
        ]
    if policy.permissions:
        data["permissions"] = [
            _entry([("name", p.name), ("platform", p.platform), ("purpose", p.purpose),
                    ("can_disable", p.can_disable), ("impact", p.impact)])
            for p in policy.permissions
        ]
    _fix_written_recipients(policy, data, vocab)
    return data


def _fix_written_recipients(policy: Policy, data: dict[str, Any], vocab: Vocabulary) -> None:
    """Write ``{name, kind, …}`` where a plain name would come back as a different recipient."""
    if not data.get("scenarios"):
        return
    text = registry_yaml_dump(data)
    back = read_registry_yaml(text, "<export>")
    rebuilt, _ = build_policy(back.tables, file="<export>", sha256="", text="", vocab=vocab,
                              app=policy.app, imported_at="-")
    want = {r.name: r for r in policy.recipients}
    got = {r.name: r for r in rebuilt.recipients}
    done: set[str] = set()
    for s in data["scenarios"]:
        for i, written in enumerate(s["recipients"]):
            name = classify_recipient(written, vocab)[0].name
            w, g = want.get(name), got.get(name)
            if w is None or g is None or name in done:
                continue
            attrs = {}
            if w.kind != g.kind:
                attrs["kind"] = w.kind.value
            if w.onward_of != g.onward_of and w.onward_of:
                attrs["onward_of"] = w.onward_of
            if w.contact != g.contact and w.contact:
                attrs["contact"] = w.contact
            if attrs:
                s["recipients"][i] = {"name": written, **attrs}
                done.add(name)


@functools.cache
def _dumper_class() -> type:
    """The dumper class, made on first use (it subclasses PyYAML's, imported only then)."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    return _Dumper


def registry_yaml_dump(data: dict[str, Any]) -> str:
    """YAML of a registry-YAML document, keys in order and Chinese as written."""
    import yaml

    return yaml.dump(data, Dumper=_dumper_class(), allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=4096)


def registry_to_yaml(policy: Policy, *, vocab: Vocabulary | None = None) -> str:
    """A policy as a registry-as-code YAML file (what ``sharegraph export --format yaml`` writes).

    Fields and recipients are written as the policy wrote them, so that importing
    the file gives back the same fields, recipients and flows.
    """
    head = (
        "# sharegraph registry-as-code: the sharing list, SDKs and device permissions of one app.\n"
        f"# Exported from {policy.source.file} ({policy.source.layout}). Edit by hand, keep in\n"
        "# version control, import with `sharegraph import`; the format is docs/registry-as-code.md.\n"
    )
    return head + registry_yaml_dump(policy_to_data(policy, vocab))


def sniff(doc: Document) -> float:
    """1.0 for registry-as-code (a top-level ``sharegraph:`` key), else 0."""
    return 1.0 if has_marker(doc.text) else 0.0


def read(doc: Document) -> Found:
    """The tables of a registry-YAML document (the format ``export`` writes for a DPO to edit)."""
    return Found("registry_yaml", read_registry_yaml(doc.text, doc.path).tables)
