"""The prose reader (registry/readers/prose.py) on sentences cut from real documents.

Each fixture of tests/fixtures/prose/ is a cut of a real page, named below with the
lines it came from. Expectations were written by reading the text: the facts (a data
item as written, the recipient as written) the sentences state, the pairs they do not
(non-facts), and that a sentence denying a flow, or naming no recipient, gives none.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.build import build_policy
from registry.errors import VocabularyError
from registry.readers import Document, prose, read_document
from registry.readers.prose_words import load_prose_words
from registry.source import read_source
from registry.vocabulary import load_vocabulary

FIX = Path(__file__).resolve().parent / "fixtures" / "prose"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(name: str):
    """The prose reader's tables and notes for a fixture, and the flows they build."""
    doc = Document(read_source(FIX / name))
    found = prose.read(doc)
    policy, _ = build_policy(found.tables, file=name, sha256="", text=doc.page_text,
                             vocab=load_vocabulary(), imported_at="-")
    return found, policy.flows


def read_text(text: str):
    tables, notes = prose.read_prose(list(enumerate(text.split("\n"), 1)))
    return tables, notes


def pairs(flows) -> set[tuple[str, str]]:
    return {(f.field_as_written, f.recipient_as_written) for f in flows}


def states(flows, field: str, recipient: str) -> bool:
    """A flow of ``field`` to ``recipient``: the item as written, or a word of it where the
    list joins items with "and" (the item splitter decides whether those are two items)."""
    return any(f.recipient_as_written == recipient and (
        f.field_as_written == field or re.search(rf"(?<!\w){re.escape(field)}(?!\w)", f.field_as_written))
        for f in flows)


# -- walla: a bullet per linked vendor, its data in the bullet's prose ---------------------------
# /work/shared/corpus/walla_subprocessors/source.md lines 24-41 (github.com/Walla-Inc/walla-policies,
# subprocessors.md at 9a63af46): fixture line N is source line N + 23.

@pytest.fixture(scope="module")
def walla():
    return read("walla_subprocessors.md")


@pytest.mark.parametrize(("field", "recipient", "line", "confidence"), [
    ("All data", "Amazon Web Services", 1, "low"),  # "… in a database hosted by AWS": the bullet's (AWS)
    ("credit card", "Stripe", 2, "high"),            # "Your credit card is passed directly to Stripe"
    ("IP address information", "Sqreen", 3, "low"),  # "… is logged in the security monitoring system"
    ("email", "Sqreen", 3, "low"),
    ("IP Address", "LogDNA", 4, "low"),              # "Logs exclude all PII except for IP Address."
    ("client data", "ActiveCampaign", 13, "low"),    # "… can synchronize their client data"
    ("client data", "Referrizer", 14, "low"),
    ("client data", "Zapier", 15, "low"),
])
def test_walla_facts(walla, field, recipient, line, confidence):
    _, flows = walla
    assert states(flows, field, recipient)
    f = next(f for f in flows if f.recipient_as_written == recipient and field in f.field_as_written)
    assert (f.evidence.line, f.form, f.confidence) == (line, "prose", confidence)


@pytest.mark.parametrize(("field", "recipient"), [
    ("email", "LogDNA"), ("credit card", "FullStory"), ("IP address", "Postmark"),
    ("billing address", "HelpScout"), ("client data", "Telgorithm"),
    # "We store a record of the payment transaction …" is what Walla keeps, not what Stripe gets
    ("last 4 digits of the credit card number", "Stripe"),
])
def test_walla_non_facts(walla, field, recipient):
    _, flows = walla
    assert not states(flows, field, recipient)


def test_walla_rows_say_how_they_were_read(walla):
    found, flows = walla
    assert {t.layout for t in found.tables} == {"prose"} and {t.kind for t in found.tables} == {"sharing"}
    stripe = next(r for t in found.tables for r in t.rows if r.text("recipient") == "Stripe")
    assert stripe.note == "line 2: read from a sentence ({data} {be} passed to|with {recipient})"
    sqreen = next(r for t in found.tables for r in t.rows if r.text("recipient") == "Sqreen")
    assert "the recipient is Sqreen, the vendor this entry is about" in sqreen.note
    # the bullet's own words are the purpose where the sentence gives none
    assert next(f for f in flows if f.recipient_as_written == "Stripe").purpose == \
        "third-party secure payment processing"
    assert {f.recipient_as_written for f in flows} == {
        "Amazon Web Services", "Stripe", "Sqreen", "LogDNA", "ActiveCampaign", "Referrizer", "Zapier"}


# -- vivo: two statements in one paragraph, recipients in 【】 -----------------------------------
# /work/shared/corpus/vivo_browser/source.md lines 162-170 (saveweb/see-agreement, vivo浏览器隐私政策.md
# at ef56f515): fixture line 7 is source line 168.

@pytest.fixture(scope="module")
def vivo():
    return read("vivo_browser_sharing.md")


@pytest.mark.parametrize(("field", "recipient"), [
    ("画像标签", "北京一点网聚科技有限公司"), ("设备信息", "北京一点网聚科技有限公司"),
    ("openID", "北京有竹居网络技术有限公司"), ("浏览记录", "北京有竹居网络技术有限公司"),
    ("IP地址", "恩亿科（北京）数据科技有限公司"), ("设备信息", "恩亿科（北京）数据科技有限公司"),
])
def test_vivo_facts(vivo, field, recipient):
    _, flows = vivo
    assert (field, recipient) in pairs(flows)
    assert all(f.evidence.line == 7 for f in flows)


@pytest.mark.parametrize(("field", "recipient"), [
    ("画像标签", "恩亿科（北京）数据科技有限公司"),  # each clause's data goes to its own recipients
    ("位置信息", "恩亿科（北京）数据科技有限公司"),
    ("IP地址", "北京一点网聚科技有限公司"),
    ("设备信息", "合作伙伴"),                          # a category is not a recipient
])
def test_vivo_non_facts(vivo, field, recipient):
    _, flows = vivo
    assert (field, recipient) not in pairs(flows)


def test_vivo_names_in_brackets(vivo):
    found, _ = vivo
    rows = [r for t in found.tables for r in t.rows]
    by_names = {r.text("recipient"): r for r in rows}
    # "北京一点网聚科技有限公司（一点资讯）": the brand in parentheses is no part of the name
    sure = by_names["北京有竹居网络技术有限公司\n北京一点网聚科技有限公司"]
    assert sure.confidence == "high"
    # two legal names written as one ("…科技有限公司抖音有限公司（字节跳动）"): read as two, loosely
    joined = by_names["北京火山引擎科技有限公司\n抖音有限公司"]
    assert joined.confidence == "low" and "read as 2 names" in joined.note
    assert by_names["恩亿科（北京）数据科技有限公司"].text("purpose") == "为您提供广告展示服务"
    # the SDK entries below (主体名称：…) are records, not sentences
    assert all(r.line == 7 for r in rows)


# -- Read the Docs: an RST definition list, vendor on one line, its data in the body -----------------
# github.com/readthedocs/readthedocs.org docs/legal/dpa/subprocessors.rst at 00a29a44afcd, lines 21-62
# (the "Infrastructure" heading to the end): fixture line N is source line N + 20.

@pytest.fixture(scope="module")
def rtd():
    return read("readthedocs_subprocessors.rst")


@pytest.mark.parametrize(("field", "recipient"), [
    ("email address", "Sendgrid, Inc."),   # "The body of notification emails can include user information, including email address."
    ("user data", "New Relic"), ("visitor data", "New Relic"),
    ("email address", "Intercom, Inc."), ("IP address", "Intercom, Inc."),
    ("user email", "FrontApp, Inc."), ("IP address", "FrontApp, Inc."),  # "Can have access to user data, including …"
])
def test_readthedocs_facts(rtd, field, recipient):
    _, flows = rtd
    assert states(flows, field, recipient)


def test_readthedocs_denials_and_vendors_without_data(rtd):
    found, flows = rtd
    receivers = {f.recipient_as_written for f in flows}
    # "Search indexes do not include user data." denies; the others name no data at all
    assert not receivers & {"Elasticsearch B.V.", "Amazon Web Services, Inc.", "Google Analytics"}
    assert "line 12: 'include' sentence denied by 'not': no flow" in found.notes
    # the stores sentence after "…, and" is no data item of FrontApp
    assert not any("communications" in f.field_as_written for f in flows)
    frontapp = next(r for t in found.tables for r in t.rows if r.text("recipient") == "FrontApp, Inc.")
    assert (frontapp.line, frontapp.confidence, frontapp.text("purpose")) == (43, "low", "Customer email support service")


# -- a privacy page's "Third parties" paragraphs, and a denial ---------------------------------------
# https://realestatefieldguide.com/privacy ("What we collect" and "Third parties"), cut as stored.

def test_vendor_sentence_and_its_denial():
    found, flows = read("realestatefieldguide_privacy.txt")
    assert ("standard server logs", "Vercel") in pairs(flows)
    assert {("request URLs", "Vercel"), ("IP", "Vercel"), ("user agent", "Vercel")} <= pairs(flows)
    assert {f.confidence for f in flows} == {"high"}
    # "Plausible explicitly does not record IP addresses, …": no flow to Plausible
    assert not any(f.recipient_as_written.startswith("Plausible") for f in flows)
    assert [t.line for t in found.tables] == [11]


# -- Chinese partner paragraphs: 由X提供…，我们可能会将…提供给X ----------------------------------------
# A uni-app login page's privacy agreement (public repository file, search index id 28870605546,
# the paragraphs "以下列举了具体的授权合作伙伴" a), b), d), e)).

@pytest.fixture(scope="module")
def partners():
    return read("uniapp_login_agreement.txt")


@pytest.mark.parametrize(("field", "recipient"), [
    ("设备平台", "深圳市和讯华谷信息技术有限公司"), ("位置相关信息", "深圳市和讯华谷信息技术有限公司"),
    ("网络信息", "每日互动股份有限公司"), ("应用列表信息", "深圳市腾讯计算机系统有限公司"),
])
def test_partner_paragraph_facts(partners, field, recipient):
    _, flows = partners
    assert (field, recipient) in pairs(flows)


@pytest.mark.parametrize(("field", "recipient"), [
    ("位置相关信息", "每日互动股份有限公司"), ("应用列表信息", "深圳市和讯华谷信息技术有限公司"),
])
def test_partner_paragraph_non_facts(partners, field, recipient):
    _, flows = partners
    assert (field, recipient) not in pairs(flows)


def test_partner_paragraph_denial_gives_nothing(partners):
    _, flows = partners
    # a) 本程序 不会向任何无关第三方提供…您的个人信息: denied, and no recipient by name anyway
    assert not any(f.evidence.line == 1 for f in flows)
    assert {f.evidence.line for f in flows} == {3, 5, 7}


# -- an SDK named as the subject: 友盟+SDK需要收集您的… -------------------------------------------------
# http://weilaihongtech.cn/ab986f63-1780-4798-877f-bbd07c7b0ff5.html (收集个人信息清单), cut as stored.

def test_sdk_subject():
    _, flows = read("weilaihong_permissions.txt")
    assert {("设备Mac地址", "友盟+SDK"), ("IMEI", "友盟+SDK"), ("IDFA", "友盟+SDK")} <= pairs(flows)
    assert {f.recipient_as_written for f in flows} == {"友盟+SDK"}  # "我司的产品集成友盟+SDK" names no data
    assert {f.evidence.line for f in flows} == {3}


# -- "X is a …. They …": the name a pronoun means --------------------------------------------------
# https://login.metafilter.com/stripe.mefi ("What is Stripe?"), cut as stored.

def test_pronoun_after_a_name():
    found, flows = read("metafilter_stripe.md")
    assert pairs(flows) == {("credit card details", "Stripe")}  # "securely" is no part of the item
    row = found.tables[0].rows[0]
    assert (row.line, row.confidence) == (3, "low")
    assert "the recipient is Stripe, which 'they' refers to" in row.note
    # "We receive your email address from Stripe transactions": we receive it, Stripe does not


# -- sentences that must give nothing ---------------------------------------------------------------

NOTHING = [
    # jibencaozuo (/work/shared/corpus/jibencaozuo/source.md line 107): a denial, and no name
    "1.2.5我们不会向任何第三方分享可用于识别您个人身份的信息（例如您的姓名或电子邮件地址），除非您明确授权。",
    # jibencaozuo line 119: "we or our partners" collect: a category, not a name
    "#### 1.我们或我们的第三方合作伙伴，可能通过放置安全的Cookie、标识符及相关技术收集您的信息，以便为您提供更个性化的用户体验和服务。",
    # http://key_sf.xy.key123456.com (第三方服务和隐私条款): third parties in general, and "we cannot"
    "第三方机构将会需要收集您的信息,我们无法获取您的信息,除非第三方机构明确向我们披露的要收集的敏感信息。",
    # an AI prompt in a public repository (search index id 783761197): data listed, nobody receives it
    "3. 需要收集的信息包括：专业、年级、兴趣方向、参赛经历、团队/个人偏好、时间投入意愿",
    # a generated C++ header (search index id 2932936842): 由 … 生成 is no provider
    "/* 该SDK由虚幻引擎工具生成,该工具完全免费! */",
    # a blog post (search index id 16516187746)
    "利用公众号作为入口，**微信配网原生Airkiss界面可通过JS-SDK由“微信内网页（即在手机微信APP内打开的网页）”调起。**",
    # the seed (data/seed_policy.txt line 1820): a generic 相关信息 phrase, not data items
    "3. 将您提供的或者履约中产生的相关信息（包括不良信息）提供给中国人民银行金融信用信息基础数据库或依法设立的征信机构；",
    # https://docs.checkflow.io/docs/faq/how-do-you-process-payments
    "We do not store or have access to any sensitive payment details such as credit card numbers.",
    # https://nataloo.com/privacy
    "We run our own servers, so your data is never sent to any third party.",
    # https://reckless.agency/privacy-policy/
    "Data that Google Analytics collects is anonymous. We cannot identify you as an individual on the website.",
    # https://heft.io/privacy
    "Visitor data is never shared, sold, or used for advertising or profiling.",
    # walla source.md line 3: subprocessors in general
    "We use third party subprocessors, such as cloud computing providers, to run Walla. The third parties "
    "(aka \"subprocessors\") that we share data with at all are secure and we only share the minimum required.",
]


@pytest.mark.parametrize("text", NOTHING)
def test_sentences_that_state_no_flow(text):
    tables, _ = read_text(text)
    assert tables == []


def test_collection_without_recipient_gives_nothing():
    # the prose of tests/test_import_fuzz.py that only collects: no recipient, no row
    for text in ("我们会收集您的手机号码、设备标识符（IMEI、Android ID）和位置信息，用于向您提供服务。",
                 "为了实现消息推送功能，我们接入了第三方SDK，该SDK会收集您的网络信息和设备型号。",
                 "We collect your device identifier and network type to deliver push notifications to you."):
        assert read_text(text) == ([], [])


def test_seed_prose_gives_no_rows():
    # the seed's sharing prose names categories (第三方支付机构), never a legal entity with items:
    # its answers come from its tables alone
    doc = Document(read_source(Path(__file__).resolve().parent.parent / "data" / "seed_policy.txt"))
    assert prose.read(doc).tables == []


# -- through read_document and the CLI ---------------------------------------------------------------

def test_read_document_offers_prose():
    reading = read_document(read_source(FIX / "walla_subprocessors.md"))
    assert "prose" in reading.readers
    assert all(t.layout == "prose" for t in reading.tables)


def test_cli_who_receives(tmp_path):
    from typer.testing import CliRunner

    import cli

    reg = tmp_path / "r.json"
    run = CliRunner().invoke(cli.app, ["import", str(FIX / "vivo_browser_sharing.md"), "-o", str(reg)])
    assert run.exit_code == 0, run.output
    run = CliRunner().invoke(cli.app, ["who-receives", "画像标签", "--registry", str(reg), "--json"])
    assert run.exit_code == 0, run.output
    got = {r["recipient_as_written"] for r in json.loads(run.stdout)}
    assert "北京一点网聚科技有限公司" in got and "恩亿科（北京）数据科技有限公司" not in got


# -- sniff ------------------------------------------------------------------------------------------

def test_sniff():
    assert prose.sniff(Document(read_source(FIX / "vivo_browser_sharing.md"))) > 0
    table = FIX.parent / "import" / "news.yaml"
    assert prose.sniff(Document(read_source(table))) == 0


def test_sniff_and_read_are_fast_on_a_megabyte_line(tmp_path):
    import time

    p = tmp_path / "big.txt"
    p.write_text("我们可能会将您的设备信息、" * 40_000 + "（" * 100_000 + "a, " * 100_000, encoding="utf-8")
    doc = Document(read_source(p))
    t = time.process_time()
    prose.sniff(doc)
    prose.read(doc)
    assert time.process_time() - t < 5  # linear: a quadratic scan of this line takes minutes


# -- the words file ---------------------------------------------------------------------------------

def test_words_file_errors(tmp_path):
    bad = tmp_path / "prose.yaml"
    bad.write_text("zh: {templates: [{template: '将{data}给{who}', verbs: [共享]}]}\nen: {}\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"unknown placeholder \{who\}"):
        load_prose_words(bad)
    bad.write_text("zh: {templates: [{template: '将{data}{verb}', verbs: [共享给]}]}\nen: {}\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"has no \{recipient\}"):
        load_prose_words(bad)


def test_a_dpo_adds_a_verb(tmp_path):
    # a verb the bundled file lacks is one line in the YAML, no code
    text = (Path(__file__).resolve().parent.parent / "data" / "prose.yaml").read_text(encoding="utf-8")
    sentence = [(1, "We relay your email address to Mailgun for delivery.")]
    assert prose.read_prose(sentence)[0] == []
    extended = tmp_path / "prose.yaml"
    extended.write_text(text.replace("verbs: [send, sends, sent,", "verbs: [relay, relays, send, sends, sent,"),
                        encoding="utf-8")
    tables, _ = prose.read_prose(sentence, words=load_prose_words(extended))
    assert [(r.text("data"), r.text("recipient")) for t in tables for r in t.rows] == [("email address", "Mailgun")]


# -- property: nothing is made of text the input did not hold ------------------------------------------

TOKENS = ["\n", " ", "，", "、", "。", "；", "将", "向", "与", "共享给", "提供给", "共享", "收集", "您的", "设备信息",
          "IP地址", "某某科技有限公司", "【", "】", "（", "）", "不会", "该SDK", "由", "提供", "收集的信息包括：",
          "Stripe", " receives ", " your ", "name", ", ", " and ", "email", " is passed to ", " with ", "share ",
          " not ", "- ", "**", "[Acme](https://x.example)", ". ", "It ", " can include ", "Inc.", "(AWS)"]
token_text = st.lists(st.sampled_from(TOKENS) | st.text(max_size=5), max_size=60).map("".join)


@FUZZ
@given(st.text(max_size=300) | token_text)
def test_random_text_makes_nothing_up(text):
    tables, notes = read_text(text)
    assert all(isinstance(n, str) and "\n" not in n for n in notes)
    for t in tables:
        for row in t.rows:
            for cell in (row.cells["recipient"], row.cells["data"]):
                for _, item in cell.items:
                    assert item and item in text


# -- a title is no statement -------------------------------------------------------------------

def test_a_title_naming_a_document_is_no_statement():
    # the first line and an entry of 极氪 App's SDK page (zeekrlife-resource-web.zeekrlife.com,
    # pages/zeekr/user/enclosure-5.html): the title "第三方SDK收集使用信息说明" is about SDKs, it
    # does not say an SDK collects "使用信息说明"
    tables, _ = read_text("第三方SDK收集使用信息说明")
    assert [r.text("data") for t in tables for r in t.rows] == []
    # (the sentences of the same shape whose items are data: test_vivo_facts, test_walla_facts)


# -- SDK entries written as prose (tests/fixtures/import/corpus_cuts/daomeng_sdk_entries_in_prose.md) --
# 到梦空间's privacy policy: '1.2.1 “极光推送”：该SDK由“…”提供，…。需要收集或使用的手机信息/设备权限包括：␣␣'
# then 'ios版本：…␣␣' and 'android版本：…' lines. Before, nothing was imported.

def test_sdk_entries_in_prose_name_their_provider_and_the_data_after_包括():
    doc = Document(read_source(FIX.parent / "import" / "corpus_cuts" / "daomeng_sdk_entries_in_prose.md"))
    found = prose.read(doc)
    policy, _ = build_policy(found.tables, file="d.md", sha256="", text=doc.page_text,
                             vocab=load_vocabulary(), imported_at="-")
    got = pairs(policy.flows)
    assert {("IDFA广告标识", "深圳市和讯华谷信息技术有限公司"), ("存储权限", "深圳市和讯华谷信息技术有限公司"),
            ("IDFV厂商标识", "北京锐讯灵通科技有限公司"), ("OAID", "北京微梦创科网络技术有限公司"),
            # "“华为HMS”：由“华为技术有限公司”提供": no SDK word, the entry's provider still
            ("本机应用列表信息", "华为技术有限公司")} <= got
    # the ios line and the android line are two lists, each item on its own
    assert not any("版本" in f for f, _ in got)       # no "定位权限android版本：设备信息" item
    assert {f.confidence for f in policy.flows} == {"low"}   # the entry's vendor, read from prose
    # 极光推送's data is not 微博's
    assert ("存储权限", "北京微梦创科网络技术有限公司") not in got
