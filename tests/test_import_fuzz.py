"""Property-based tests of the readers: random and mutated documents.

Whatever the input, a reader either returns tables or raises a
:class:`~registry.errors.SharegraphError` (a one-line message, never a
traceback), and no flow is made of text the input did not hold: every flow's
``field_as_written`` is found verbatim in the document's text (word by word in
HTML and Markdown, whose markup between words is dropped). Inputs are random
text built from the tokens tables and lists are made of, and the fixtures of
tests/fixtures/import mutated (lines deleted, duplicated, swapped, random
unicode inserted, the document cut short).

``SHAREGRAPH_FUZZ_EXAMPLES=5000`` runs more examples a test (200 by default).
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.build import build_policy
from registry.errors import SharegraphError
from registry.readers.flattened import read_flattened
from registry.readers.html import parse_html, read_html
from registry.readers.markdown import read_markdown
from registry.readers.records import read_paragraph_lists
from registry.readers.registry_yaml import read_registry_yaml
from registry.splitting import split_items
from registry.vocabulary import load_vocabulary

FIX = Path(__file__).resolve().parent / "fixtures" / "import"
SEED = Path(__file__).resolve().parent.parent / "data" / "seed_policy.txt"
VOCAB = load_vocabulary(FIX / "vocab")
FUZZ = settings(
    max_examples=int(os.environ.get("SHAREGRAPH_FUZZ_EXAMPLES", "200")),  # more for a longer hunt
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

TOKENS = [
    "\n", "\n", " ", "\t", "|", "|", "---", ":---:", "\\|", "<br>", "<br/>", "<table>", "</table>", "<tr>",
    "</tr>", "<td>", "</td>", "<th>", '<td rowspan="2">', '<td colspan="3">', '<td rowspan="0">',
    '<td colspan="99999">', "<p>", "</p>", "<li>", "<ul>", "<b>", "</b>", "<script>", "&amp;", "&nbsp;",
    "<!--", "-->", "SDK名称", "第三方主体", "收集信息", "收集个人信息类型", "共享信息", "接收方", "场景",
    "SDK name", "Third party", "Personal information collected", "：", ":", "；", "、", "，", "（", "）",
    "(", ")", "1. ", "- ", "**", "`", "[链接](https://x.example/p)", "https://", "设备标识符", "IMEI",
    "手机号码", "某某科技有限公司", "及其委托的", "等", "包括", "sharegraph: 1", "app: x", "- name: ",
    "权限名称", "是否可关闭", "\u3000", "\ufeff", "\x0b", "\u2028", "😀", "\\",
]
token_text = st.lists(st.sampled_from(TOKENS) | st.text(max_size=6), max_size=80).map("".join)
any_text = st.text(max_size=400) | token_text


def _mutate(lines: list[str], data: st.DataObject) -> list[str]:
    lines = list(lines)
    for _ in range(data.draw(st.integers(0, 6), label="mutations")):
        if not lines:
            break
        op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "splice", "cut"]))
        i = data.draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, data.draw(any_text))
        elif op == "splice":
            k = data.draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k] + data.draw(any_text) + lines[i][k:]
        else:
            k = data.draw(st.integers(0, len(lines[i])))
            lines = [*lines[:i], lines[i][:k]]
    return lines


def _fixture(name: str) -> list[str]:
    return (FIX / name).read_text(encoding="utf-8").split("\n")


def _flows(tables, text):
    policy, _ = build_policy(tables, file="fuzz", sha256="", text=text, vocab=VOCAB, imported_at="-")
    return policy.flows


def check(reader, text: str, haystack: str | None = None) -> None:
    """The reader returns or raises a SharegraphError; its flows come from the text."""
    try:
        tables, notes = reader(text)
    except SharegraphError as e:
        assert "\n" not in str(e)
        return
    assert all(isinstance(n, str) and "\n" not in n for n in notes)
    hay = text if haystack is None else haystack
    for f in _flows(tables, text):
        # word by word: Markdown and HTML markup between words is dropped, the words are not
        assert all(w in hay for w in f.field_as_written.split()), f.field_as_written
        if haystack is None:
            assert f.field_as_written in text


def read_md(text: str):
    return read_markdown(text.split("\n"), "fuzz.md")


def md_haystack(text: str) -> str:
    """The text as written and as rendered (links to their text or address, marks dropped)."""
    from registry.readers.markdown import _inline

    lines = text.split("\n")
    return "\n".join([text, *(_inline(ln, url=False) for ln in lines), *(_inline(ln, url=True) for ln in lines)])


def read_para(text: str):
    return read_paragraph_lists(text.split("\n"), "fuzz.txt")


def read_flat(text: str):
    return read_flattened(text.split("\n"), "fuzz.txt")


def read_yaml(text: str):
    return read_registry_yaml(text, "fuzz.yaml").tables, []


def html_haystack(text: str) -> str:
    root = parse_html(text, "fuzz.html")
    return " ".join(html.unescape(root.text_content() if root is not None else "").split())


def check_html(text: str) -> None:
    try:
        hay = html_haystack(text)
    except SharegraphError:
        hay = ""
    check(lambda t: read_html(t, "fuzz.html"), text, hay)


# -- HTML ---------------------------------------------------------------------------------

@FUZZ
@given(any_text)
def test_html_random(text):
    check_html(text)


@FUZZ
@given(st.sampled_from(["shop.html", "news.html"]), st.data())
def test_html_mutated(name, data):
    check_html("\n".join(_mutate(_fixture(name), data)))


# -- Markdown ------------------------------------------------------------------------------

@FUZZ
@given(any_text)
def test_markdown_random(text):
    check(read_md, text, md_haystack(text))


@FUZZ
@given(st.data())
def test_markdown_mutated(data):
    text = "\n".join(_mutate(_fixture("ride.md"), data))
    check(read_md, text, md_haystack(text))


# -- paragraph lists -------------------------------------------------------------------------

@FUZZ
@given(any_text)
def test_paragraphs_random(text):
    check(read_para, text)


@FUZZ
@given(st.data())
def test_paragraphs_mutated(data):
    check(read_para, "\n".join(_mutate(_fixture("game.txt"), data)))


# -- the flattened reader --------------------------------------------------------------------

SEED_SDK_TABLE = SEED.read_text(encoding="utf-8").split("\n")[760:1300]


@FUZZ
@given(any_text)
def test_flattened_random(text):
    check(read_flat, text)


@FUZZ
@given(st.data())
def test_flattened_mutated(data):
    check(read_flat, "\n".join(_mutate(SEED_SDK_TABLE, data)))


# -- registry-as-code ------------------------------------------------------------------------

@FUZZ
@given(st.data())
def test_registry_yaml_mutated(data):
    check(read_yaml, "\n".join(_mutate(_fixture("news.yaml"), data)))


# -- the item splitter -----------------------------------------------------------------------

@FUZZ
@given(any_text)
def test_split_items_gives_pieces_of_the_text(text):
    for item in split_items(text):
        assert item.text and item.text in text
        for m in item.members:
            assert m.text in text


# -- prose is never a table -------------------------------------------------------------------

PROSE = [
    "我们会收集您的手机号码、设备标识符（IMEI、Android ID）和位置信息，用于向您提供服务。",
    "为了实现消息推送功能，我们接入了第三方SDK，该SDK会收集您的网络信息和设备型号。",
    "我们仅会在获得您的单独同意后，向某某科技有限公司共享您的身份证号码和姓名。",
    "如您对本政策有任何疑问，可以通过客服电话与我们联系，我们将在十五个工作日内答复。",
    "We collect your device identifier and network type to deliver push notifications to you.",
]


@FUZZ
@given(st.lists(st.sampled_from(PROSE), min_size=1, max_size=20), st.sampled_from(["\n", "\n\n", "\n\n\n\t\n"]))
def test_prose_makes_no_table(sentences, gap):
    text = gap.join(sentences)
    for reader in (read_para, read_flat, read_md, lambda t: read_html(t, "fuzz.html")):
        tables, _ = reader(text)
        assert tables == []
    tables, _ = read_html("<p>" + "</p><p>".join(sentences) + "</p>", "fuzz.html")
    assert tables == []
