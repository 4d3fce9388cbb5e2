"""Data files as trees of values that keep their source lines: JSON, YAML, JS/TS literals.

The structured reader needs, for every value, the line where its text starts,
so that evidence points at the document. ``json`` and the JSON5 libraries
return plain values without positions, so this module builds its own small
tree (:class:`Scalar`, :class:`Seq`, :class:`Map`, each with a 1-based line):

* JSON is checked with the standard library first (a broken file stops with
  ``path:line: not valid JSON: …``), then read by the literal parser below;
* YAML is composed with PyYAML's safe loader (no tags, no objects), and the
  walk counts nodes so aliases cannot expand without bound;
* JavaScript / TypeScript (and ``<script>`` blocks of a page) are never run:
  a tokenizer (strings, template strings, comments, regular expressions)
  finds every object and array literal and parses it. Code between literals
  (a call, a spread, a function body) is skipped, and literals inside it
  (``data() { return { list: [...] } }``) are still found.

TypeScript's types are not data: a ``type X = …`` declaration, an ``interface``,
the annotation of a variable (``const rows: Record<Locale, Row[]> = …``) and the
type after ``as`` / ``satisfies`` are passed over, and an object whose members
are separated by ``;`` (``{ provider: 'Provider'; data: string }``) is a type
literal, read as empty. A template literal with a substitution (`` `${name}` ``)
is code: its value is not known without running it.

>>> [type(n).__name__ for n in parse_js("export const a = { ios: [{ name: 'x' }] };", "a.ts")]
['Map']
>>> m = parse_js("const a = {\\n  name:\\n    'Stripe, Inc.',\\n}", "a.js")[0]
>>> m.pairs[0][0], m.pairs[0][2].text, m.pairs[0][2].line
('name', 'Stripe, Inc.', 3)
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from registry.errors import SourceError
from registry.lazy_re import lazy_compile

if TYPE_CHECKING:  # PyYAML is imported where a YAML file is parsed, not by every import
    import yaml

MAX_DEPTH = 200
"""Deepest nesting of literals read; deeper input is refused."""
MAX_NODES = 1_000_000
"""Most YAML nodes visited (aliases count each time they are reached)."""


@dataclass(slots=True)
class Scalar:
    text: str
    """The value as written (a string's contents, a number's digits); ``""`` for null."""
    line: int
    kind: str = "str"
    """``str`` (a string), ``num`` (a number as written), ``const`` (true/false; null is ``""``)."""
    block: bool = False
    """A YAML literal block (``|``): its lines stand on consecutive source lines."""


@dataclass(slots=True)
class Seq:
    items: list[Node]
    line: int


@dataclass(slots=True)
class Map:
    pairs: list[tuple[str, int, Node]] = field(default_factory=list)
    """``(key, key's line, value)`` in order."""
    line: int = 0


Node = Scalar | Seq | Map
_N = TypeVar("_N", Seq, Map)


class _Lines:
    """Offset -> 1-based line number."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


# -- JavaScript / TypeScript / JSON5 literals ----------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<com>//[^\n]*|/\*[\s\S]*?\*/|<!--|-->)
    |(?P<str>"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*')
    |(?P<tpl>`(?:[^`\\]|\\[\s\S])*`)
    |(?P<num>(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?)
    |(?P<id>[^\W\d][\w$]*|\$[\w$]*)
    |(?P<p>\.\.\.|=>|[{}\[\]():;,?.=])
    |(?P<open>["'`]|/\*)
    |(?P<op>\S)""",
    re.VERBOSE,
)
_REGEX = lazy_compile(r"/(?![*/])(?:[^/\\\n\[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[a-z]*")
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {"return", "typeof", "case", "in", "of", "delete", "void"}
_CONSTS = {"true", "false", "null", "undefined", "NaN", "Infinity"}
_STATEMENT = {"export", "import", "const", "let", "var", "function", "class", "type", "interface", "enum",
              "declare", "async", "default", "return", "if", "for", "while", "switch", "try"}
"""Words that start a statement: a type expression at bracket depth 0 ends before one."""
_AFTER_VALUE = (",", "}", "]", ")", ";", "")
_TYPE_WORDS = {"type", "interface", "declare", "const", "let", "var", "as", "satisfies"}
_SUBSTITUTION = lazy_compile(r"(?<!\\)\$\{")
_ESCAPE = lazy_compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r?\n|[\s\S])")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "u":
            return chr(int(e[2:-1] if e[1] == "{" else e[1:], 16) % 0x110000)
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e[0] in "\r\n":
            return ""  # a line continuation
        return _SIMPLE.get(e, e)

    text = _ESCAPE.sub(one, body) if "\\" in body else body
    if any("\ud800" <= c <= "\udfff" for c in text):  # surrogate pairs written as two \\u escapes
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


@dataclass(slots=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(text: str, start: int, end: int, path: str, lines: _Lines,
              strict: bool) -> tuple[list[_Tok], str | None]:
    """The tokens between ``start`` and ``end`` (no white space or comments), and a note
    where an unterminated string or comment stopped the reading."""
    toks: list[_Tok] = []
    pos = start
    match = _TOKEN.match
    while pos < end:
        m = match(text, pos, end)
        if m is None:  # pragma: no cover - the last alternative takes any character
            break
        kind = m.lastgroup or "op"
        if kind == "op" and text[pos] == "/" and _regex_may_start(toks):
            r = _REGEX.match(text, pos, end)
            if r:
                toks.append(_Tok("code", r.group(0), pos))
                pos = r.end()
                continue
        if kind == "open":
            what = "comment" if text[pos] == "/" else "string literal"
            if strict:
                raise SourceError(path, f"unterminated {what}", lines(pos))
            return toks, f"line {lines(pos)}: unterminated {what}; the rest of the code was not read"
        if kind not in ("ws", "com"):
            toks.append(_Tok(kind, m.group(0), pos))
        pos = m.end()
    return toks, None


def _regex_may_start(toks: list[_Tok]) -> bool:
    if not toks:
        return True
    last = toks[-1]
    return last.text in _REGEX_AFTER and last.kind in ("p", "op", "id")


class _Parser:
    """Object and array literals among the tokens of a program; code in between is skipped."""

    def __init__(self, toks: list[_Tok], lines: _Lines, path: str, strict: bool) -> None:
        self.t = toks
        self.lines = lines
        self.path = path
        self.strict = strict
        self.loose: list[Node] = []
        """Literals found inside skipped code, in order."""
        self.notes: list[str] = []

    def line(self, i: int) -> int:
        return self.lines(self.t[i].pos)

    def text(self, i: int) -> str:
        return self.t[i].text if i < len(self.t) else ""

    def program(self) -> list[Node]:
        i = 0
        while i < len(self.t):
            end = self.type_end(i)
            if end is not None:
                i = max(end, i + 1)
            elif self.t[i].text in ("{", "["):
                node, i = self.value(i, 0)
                if node is not None:
                    self.loose.append(node)
            else:
                i += 1
        return self.loose

    # -- TypeScript's types: passed over ------------------------------------------------

    def type_end(self, i: int) -> int | None:
        """Where the type starting at token ``i`` ends, if one starts there (else None).

        A ``type X = …`` or ``interface X {…}`` declaration is passed over whole; a
        variable's annotation (``const rows: Row[] = …``) up to its ``=``; the type after
        ``as`` or ``satisfies`` up to the ``,``, ``;`` or closer that ends it.
        """
        tok = self.t[i]
        if tok.kind != "id" or tok.text not in _TYPE_WORDS or (i and self.t[i - 1].text == "."):
            return None
        s, nxt = tok.text, self.t[i + 1] if i + 1 < len(self.t) else None
        if nxt is None:
            return None
        if s == "type" and nxt.kind == "id" and self.text(i + 2) in ("=", "<"):
            j = self._past_angles(i + 2)
            return self.type_expr_end(j + 1) if self.text(j) == "=" else None
        if s == "interface" and nxt.kind == "id" and self.text(i + 2) in ("{", "<", "extends"):
            j = self._past_angles(i + 2, until="{")
            return self._block_end(j) if self.text(j) == "{" else None
        if s == "declare" and nxt.text in ("module", "global", "namespace"):
            j = self._past_angles(i + 2, until="{")
            return self._block_end(j) if self.text(j) == "{" else None
        if s in ("const", "let", "var") and nxt.kind == "id" and self.text(i + 2) == ":":
            return self.type_expr_end(i + 3, at_assign=True)
        if s in ("as", "satisfies") and i and (self.t[i - 1].kind in ("str", "tpl", "num")
                                               or self.t[i - 1].text in ("}", "]")):
            return self.type_expr_end(i + 1)  # after a literal (not `locale as Locale`, nor text)
        return None

    def _past_angles(self, j: int, until: str = "=") -> int:
        """From a declaration's name on: the index of ``until`` outside ``<…>`` (type parameters)."""
        angle = nest = 0
        while j < len(self.t):
            s = self.t[j].text
            if s == "<":
                angle += 1
            elif s == ">":
                angle = max(angle - 1, 0)
            elif s in ("(", "["):
                nest += 1
            elif s in (")", "]"):
                nest = max(nest - 1, 0)
            elif angle == 0 and nest == 0 and (s == until or s in (";", "}")):
                return j
            j += 1
        return j

    def _block_end(self, j: int) -> int:
        """The index after the ``}`` that closes the ``{`` at ``j``."""
        depth = 0
        while j < len(self.t):
            s = self.t[j].text
            if s in ("{", "[", "("):
                depth += 1
            elif s in ("}", "]", ")"):
                depth -= 1
                if depth <= 0:
                    return j + 1
            j += 1
        return j

    def type_expr_end(self, j: int, at_assign: bool = False) -> int:
        """The index of the token that ends the type expression starting at ``j``.

        It ends, outside brackets, at ``;``, ``,`` (outside ``<…>`` too), a closer of
        what encloses it, the word that starts the next statement, or (``at_assign``)
        the ``=`` of an annotated variable.
        """
        start, depth, angle = j, 0, 0
        while j < len(self.t):
            tok = self.t[j]
            s = tok.text
            if s in ("{", "[", "("):
                depth += 1
            elif s in ("}", "]", ")"):
                if depth == 0:
                    return j
                depth -= 1
            elif depth == 0:
                if s == "<":
                    angle += 1
                elif s == ">":
                    angle = max(angle - 1, 0)
                elif self._ends_type(j, start, angle, at_assign):
                    return j
            j += 1
        return j

    def _ends_type(self, j: int, start: int, angle: int, at_assign: bool) -> bool:
        """Whether token ``j``, outside brackets, ends a type expression begun at ``start``."""
        tok = self.t[j]
        s = tok.text
        if s == ";" or (angle == 0 and (s == "," or (at_assign and s == "="))):
            return True
        return tok.kind == "id" and s in _STATEMENT and j > start and self.text(j + 1) != "("

    def value(self, i: int, depth: int) -> tuple[Node | None, int]:
        """The value starting at token ``i`` and the index after it (None for code)."""
        tok = self.t[i]
        if tok.text == "{":
            return self.obj(i, depth)
        if tok.text == "[":
            return self.arr(i, depth)
        if tok.kind == "tpl" and _SUBSTITUTION.search(tok.text):
            return None, self.skip(i, depth)  # `…${x}…`: its value is known only when run
        if tok.kind in ("str", "tpl", "num") or (tok.kind == "id" and tok.text in _CONSTS) \
                or (tok.text == "-" and self.t[i + 1:i + 2] and self.t[i + 1].kind == "num"):
            j, node = self._scalar(i)
            if self.text(j) in _AFTER_VALUE or self.text(j) == ":":
                return node, j
            if self.text(j) in ("as", "satisfies"):  # 'Stripe' as const: the value ends with its literal
                return node, self.type_expr_end(j + 1)
            if node.kind == "str" and self.text(j) == "+":  # 'a' + 'b' written over two lines
                joined, k = self._concat(j, node)
                if joined is not None:
                    return joined, k
        return None, self.skip(i, depth)

    def _scalar(self, i: int) -> tuple[int, Scalar]:
        tok = self.t[i]
        line = self.line(i)
        if tok.kind == "str":
            return i + 1, Scalar(_unescape(tok.text[1:-1]), line)
        if tok.kind == "tpl":
            return i + 1, Scalar(_unescape(tok.text[1:-1]), line)
        if tok.text == "-":
            return i + 2, Scalar("-" + self.t[i + 1].text, line, "num")
        if tok.kind == "num":
            return i + 1, Scalar(tok.text, line, "num")
        return i + 1, Scalar("" if tok.text in ("null", "undefined") else tok.text, line, "const")

    def _concat(self, j: int, first: Scalar) -> tuple[Scalar | None, int]:
        parts = [first.text]
        while self.text(j) == "+" and j + 1 < len(self.t) and self.t[j + 1].kind in ("str", "tpl") \
                and not _SUBSTITUTION.search(self.t[j + 1].text):
            parts.append(_unescape(self.t[j + 1].text[1:-1]))
            j += 2
        if self.text(j) in _AFTER_VALUE:
            return Scalar("".join(parts), first.line), j
        return None, j

    def _deep(self, i: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise SourceError(self.path, f"literals nested deeper than {MAX_DEPTH} levels", self.line(i))

    def obj(self, i: int, depth: int) -> tuple[Map, int]:
        """An object literal; one whose members end with ``;`` is a type literal, read as empty."""
        self._deep(i, depth)
        node = Map(line=self.line(i))
        typed = False
        i += 1
        while i < len(self.t):
            tok = self.t[i]
            if tok.text == "}":
                return (Map(line=node.line) if typed else node), i + 1
            if tok.text in (",", ";"):
                i += 1
                continue
            if tok.kind in ("id", "str", "num") and self.text(i + 1) in (":", "?") \
                    and (self.text(i + 1) == ":" or self.text(i + 2) == ":"):
                optional = self.text(i + 1) == "?"  # provider?: string is a type's member
                key = _unescape(tok.text[1:-1]) if tok.kind == "str" else tok.text
                kline = self.line(i)
                v = i + 3 if optional else i + 2
                if v >= len(self.t):
                    break
                val, i = self.value(v, depth + 1)
                typed = typed or optional or self.text(i) == ";"
                if val is not None:
                    node.pairs.append((key, kline, val))
                continue
            if tok.text in ("]", ")"):  # a stray closer: not an object after all
                return node, i
            i = self.skip(i, depth)  # a method, a spread, a shorthand property, a statement
        return self._unclosed(node, "{", i)

    def arr(self, i: int, depth: int) -> tuple[Seq, int]:
        self._deep(i, depth)
        node = Seq([], self.line(i))
        i += 1
        while i < len(self.t):
            tok = self.t[i]
            if tok.text == "]":
                return node, i + 1
            if tok.text == ",":
                i += 1
                continue
            if tok.text in ("}", ")"):
                return node, i
            val, i = self.value(i, depth + 1)
            if val is not None:
                node.items.append(val)
        return self._unclosed(node, "[", i)

    def _unclosed(self, node: _N, opener: str, i: int) -> tuple[_N, int]:
        if self.strict:
            raise SourceError(self.path, f"the '{opener}' opened here is never closed", node.line)
        self.notes.append(f"line {node.line}: the '{opener}' opened here is never closed; "
                          "read to the end of the code")
        return node, i

    def skip(self, i: int, depth: int) -> int:
        """Past the code starting at ``i``: to the ``,`` or ``;`` that ends it, or the closer
        that ends its enclosing literal (left for the caller).

        Object and array literals inside the code are parsed and kept in :attr:`loose`.
        """
        start = i
        nest = 0
        while i < len(self.t):
            tok = self.t[i]
            s = tok.text
            if tok.kind == "id" and s in _TYPE_WORDS:
                end = self.type_end(i)
                if end is not None and end > i:
                    i = end
                    continue
            if tok.kind == "p":
                if s in ("{", "["):
                    node, j = self.obj(i, depth + 1) if s == "{" else self.arr(i, depth + 1)
                    if node.pairs if isinstance(node, Map) else node.items:
                        self.loose.append(node)
                    i = max(j, i + 1)
                    continue
                if s == "(":
                    nest += 1
                elif s == ")" and nest:
                    nest -= 1
                elif nest == 0 and s in (")", "}", "]"):
                    return i
                elif nest == 0 and s in (",", ";"):
                    return i + 1 if i == start else i
            i += 1
        return i


def parse_js(text: str, path: str, spans: list[tuple[int, int]] | None = None,
             strict: bool = False, notes: list[str] | None = None) -> list[Node]:
    """The object and array literals of a program (or of ``spans`` of a page), in order.

    Where the code is damaged (an unterminated string, a literal never closed)
    ``strict`` raises :class:`SourceError`; otherwise what could be read is
    returned and ``notes`` says what was not.
    """
    lines = _Lines(text)
    out: list[Node] = []
    for start, end in spans or [(0, len(text))]:
        toks, note = _tokenize(text, start, end, path, lines, strict)
        parser = _Parser(toks, lines, path, strict)
        out.extend(parser.program())
        if notes is not None:
            notes.extend(([note] if note else []) + parser.notes)
    return out


_SCRIPT = lazy_compile(r"<script\b([^>]*)>([\s\S]*?)</script\s*>", re.IGNORECASE)


def script_spans(text: str) -> list[tuple[int, int]]:
    """Where the inline scripts of a page (an HTML page, a Vue single-file component) are."""
    return [(m.start(2), m.end(2)) for m in _SCRIPT.finditer(text)
            if m.group(2).strip() and "src=" not in m.group(1).lower()]


# -- JSON --------------------------------------------------------------------------------

def parse_json(text: str, path: str) -> list[Node]:
    """A JSON document as a tree; a broken one is a :class:`SourceError` naming its line."""
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        raise SourceError(path, f"not valid JSON: {e.msg} (column {e.colno})", e.lineno) from None
    except RecursionError:
        raise SourceError(path, "not read: JSON nested too deeply") from None
    return parse_js(text, path, strict=True)[:1]


# -- YAML --------------------------------------------------------------------------------

def parse_yaml(text: str, path: str) -> list[Node]:
    """Each document of a YAML stream as a tree (safe loader; aliases bounded)."""
    import yaml

    try:
        docs = list(yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        why = (e.problem or e.context or "not valid YAML").splitlines()[0]
        raise SourceError(path, f"not valid YAML: {why}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as e:
        raise SourceError(path, f"not valid YAML: {str(e).splitlines()[0]}") from None
    budget = [MAX_NODES]
    return [_from_yaml(d, path, budget, 0) for d in docs if d is not None]


def _from_yaml(node: yaml.Node, path: str, budget: list[int], depth: int) -> Node:
    # a node's kind by its ``id`` (scalar, sequence, mapping): no PyYAML import per node
    budget[0] -= 1
    line = node.start_mark.line + 1
    if budget[0] < 0:
        raise SourceError(path, f"more than {MAX_NODES:,} values (aliases expand too far); not read", line)
    if depth > MAX_DEPTH:
        raise SourceError(path, f"values nested deeper than {MAX_DEPTH} levels", line)
    if node.id == "scalar":
        tag = node.tag.rsplit(":", 1)[-1]
        kind = "num" if tag in ("int", "float") else "const" if tag in ("null", "bool") else "str"
        value = "" if tag == "null" else node.value
        if node.style in ("|", ">"):  # the text starts on the line after the indicator
            return Scalar(value, line + 1, kind, node.style == "|")
        return Scalar(value, line, kind)
    if node.id == "sequence":
        return Seq([_from_yaml(n, path, budget, depth + 1) for n in node.value], line)
    out = Map(line=line)
    for k, v in node.value:
        value = _from_yaml(v, path, budget, depth + 1)
        if k.tag.endswith(":merge") and isinstance(value, Map):  # <<: *defaults
            out.pairs.extend(value.pairs)
        elif k.id == "scalar":
            out.pairs.append((k.value, k.start_mark.line + 1, value))
    return out


def walk(node: Node) -> Iterator[Node]:
    """Every node under ``node`` (itself first), depth first."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, Seq):
            stack.extend(reversed(n.items))
        elif isinstance(n, Map):
            stack.extend(v for _, _, v in reversed(n.pairs))
