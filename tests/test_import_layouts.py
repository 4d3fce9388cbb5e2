"""Importing every layout: HTML tables, Markdown tables, paragraph lists, registry-as-code.

Every expectation here was written by reading the fixture it tests, in
tests/fixtures/import/ (all synthetic, each says so at its top):

* shop.html: an e-commerce app's page with a sharing table (a title row, rowspan,
  colspan, <br>/<p>/<li> items), an SDK table with section rows, a version table
  with no recognizable header, and a paragraph SDK list under <h3>;
* ride.md: a ride-hailing app in Markdown: three tables, one without a header,
  one inside a code fence, and a bulleted paragraph SDK list;
* game.txt: a game's text with paragraph SDK lists in both styles and a sharing
  list written as paragraphs;
* news.html: a news app with English table headers and an English paragraph list;
* news.yaml: the news app's disclosures as registry-as-code.

The vocabulary is the small synthetic one in tests/fixtures/import/vocab, so the
canonical names below do not move when data/ grows.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from pathlib import Path

import pytest

from registry.errors import NoTableError, SourceError
from registry.importer import SEED_PATH, detect_layout, import_document, import_many, read_tables
from registry.model import Channel, RecipientKind, Registry
from registry.readers.registry_yaml import registry_to_yaml
from registry.source import read_source
from registry.vocabulary import load_vocabulary

FIX = Path(__file__).resolve().parent / "fixtures" / "import"
VOCAB = load_vocabulary(FIX / "vocab")
FIXTURES = ["shop.html", "ride.md", "game.txt", "news.html", "news.yaml"]


def imp(name: str | Path, **kw):
    path = name if isinstance(name, Path) else FIX / name
    return import_document(path, vocab=VOCAB, imported_at="2026-01-01T00:00:00Z", **kw)


def tables_of(name: str):
    src = read_source(FIX / name)
    return read_tables(src)


def sdk(policy, name):
    return next(s for s in policy.sdks if s.name == name)


def flows(policy, **kw):
    return [f for f in policy.flows if all(getattr(f, k) == v for k, v in kw.items())]


# -- shop.html: HTML tables ------------------------------------------------------------

@pytest.fixture(scope="module")
def shop():
    return imp("shop.html")


def test_shop_app_tables_and_layouts(shop):
    policy, report = shop
    assert (policy.app, policy.controller) == ("某某优选", "上海某某优选电子商务有限公司")
    # the tables are HTML; the SDK written as labelled lines below them is read as records
    assert policy.source.layout == "html+records"
    assert [(t["kind"], t["line"], t["rows"]) for t in report.tables] == [
        ("sharing", 16, 4), ("sdk", 42, 3), ("sdk", 83, 1),
    ]
    tables, _ = tables_of("shop.html")
    assert [t.layout for t in tables] == ["html", "html", "records"]


def test_shop_left_out_the_version_table_and_section_rows(shop):
    _, report = shop
    assert report.left_out == [
        "line 76: a table was left out: no column reads as data items (headers: 版本 | 发布日期 | 说明)",
        "line 49: a row spanning all columns (Android 端) was left out",
        "line 65: a row spanning all columns (iOS 端) was left out",
    ]


def test_shop_title_row_is_a_caption_and_script_table_is_not_read(shop):
    _, report = shop
    assert "line 14: 1 row(s) above the sharing table's header taken as its caption" in report.info
    # the <script> at line 8 holds a '<table>' string: not a table
    assert all(t["line"] > 8 for t in report.tables)


def test_shop_rowspan_fills_the_row_below(shop):
    policy, report = shop
    first, second = policy.scenarios[0], policy.scenarios[1]
    assert (first.name, first.purpose, first.recipients_text) == (
        "订单支付", "完成订单支付", "支付宝（中国）网络技术有限公司")
    assert (second.name, second.purpose, second.recipients_text) == (
        "订单支付", "完成订单支付", "财付通支付科技有限公司")
    assert second.data_text == "订单号、支付金额"
    assert second.evidence.line == 24  # its own first cell, not the spanning one at line 18
    assert "line 24: scenario, purpose taken from the row above (a cell spanning rows)" in report.info
    tables, _ = tables_of("shop.html")
    row = tables[0].rows[1]
    assert row.carried == ("scenario", "purpose")
    assert row.cells["scenario"].items == ((18, "订单支付"),)


def test_shop_br_p_li_items_with_lines(shop):
    tables, _ = tables_of("shop.html")
    sharing = tables[0]
    assert sharing.rows[0].cells["data"].items == ((19, "订单号"), (19, "支付金额"), (19, "收货人手机号码"))
    assert sharing.rows[2].cells["data"].items == ((29, "收货人姓名"), (29, "收货地址"), (29, "收货人手机号码"))
    assert sharing.rows[2].cells["recipient"].items == ((31, "某某物流有限公司"), (31, "某某快递服务有限公司"))
    sdk_table = tables[1]
    # a <br> then a line break inside the cell: the second item is on the next line
    assert sdk_table.rows[1].cells["data"].items == ((60, "设备型号"), (61, "网络信息"))
    assert sdk_table.rows[2].cells["data"].items == ((69, "设备标识符（IDFA）"), (69, "位置信息"))


def test_shop_colspan_gives_the_text_to_each_column(shop):
    policy, report = shop
    after_sales = policy.scenarios[3]
    assert after_sales.name == "售后服务"
    assert after_sales.data_text == after_sales.purpose == "订单号、收货人手机号码"
    assert "line 34: a cell spans several columns; its text was also given to 共享目的" in report.info
    assert report.unresolved_recipients == ["品牌商家"]


def test_shop_flows(shop):
    policy, _ = shop
    tenpay = flows(policy, recipient="财付通支付科技有限公司")
    assert [(f.field, f.via, f.evidence.line) for f in tenpay] == [
        ("订单号", "订单支付", 24), ("支付金额", "订单支付", 24)]
    delivery = flows(policy, via="商品配送", recipient="某某快递服务有限公司")
    assert [f.field for f in delivery] == ["姓名", "收货地址", "手机号码"]
    assert [f.field_as_written for f in delivery] == ["收货人姓名", "收货地址", "收货人手机号码"]


def test_shop_sdks(shop):
    policy, _ = shop
    assert [(s.name, s.provider) for s in policy.sdks] == [
        ("微信开放平台SDK", "深圳市腾讯计算机系统有限公司"),
        ("支付宝SDK", "支付宝（中国）网络技术有限公司"),
        ("友盟统计SDK", "友盟同欣（北京）科技有限公司"),
        ("个推SDK", "每日互动股份有限公司"),
    ]
    wx = sdk(policy, "微信开放平台SDK")
    assert wx.fields == ("设备标识符", "IMEI", "Android ID", "网络信息")
    assert wx.policy_url == "https://weixin.qq.com/cgi-bin/readtemplate?t=weixin_agreement&s=privacy"
    # one member that reads as a data item makes a group of one (帐号信息（华为帐号ID）, docs/splitting.md)
    assert sdk(policy, "友盟统计SDK").fields == ("设备标识符", "IDFA", "位置信息")
    getui = sdk(policy, "个推SDK")  # the paragraph list under <h3>1. 个推SDK</h3>
    assert (getui.purpose, getui.policy_url) == ("消息推送", "https://docs.getui.com/privacy")
    assert getui.fields == ("设备标识符", "IMEI", "OAID", "网络信息")
    assert getui.evidence.line == 83
    imei = flows(policy, via="个推SDK", field="IMEI")[0]
    assert (imei.channel, imei.implied_via, imei.evidence.line) == (Channel.SDK, "设备标识符", 86)


# -- ride.md: Markdown tables -----------------------------------------------------------

@pytest.fixture(scope="module")
def ride():
    return imp("ride.md")


def test_ride_tables(ride):
    policy, report = ride
    assert (policy.app, policy.controller, policy.source.layout) == ("某某出行", "某某出行科技有限公司", "markdown+records")
    assert [(t["kind"], t["line"], t["rows"]) for t in report.tables] == [
        ("sharing", 8, 3), ("sdk", 16, 2), ("permission", 29, 2), ("sdk", 42, 1),
    ]
    assert report.left_out == [
        "line 36: a table was left out: no column reads as a recipient or data items (headers: 版本 | 日期)"]
    assert "示例SDK" not in {s.name for s in policy.sdks}  # the table in the code fence


def test_ride_cells(ride):
    policy, _ = ride
    tables, _ = tables_of("ride.md")
    assert tables[0].rows[0].cells["data"].items == ((10, "乘客手机号码"), (10, "上车地点、下车地点"))
    insurance = policy.scenarios[1]
    assert (insurance.name, insurance.purpose) == ("出行保险", "为乘客投保 | 理赔")  # escaped pipe
    assert insurance.data_text == "姓名\n身份证号码"  # <br/>
    assert policy.scenarios[2].name == "电子发票"  # **bold** dropped
    assert [f.field for f in flows(policy, via="网约车派单")] == ["手机号码", "上车地点", "下车地点"]
    assert all(f.evidence.line == 10 for f in flows(policy, via="网约车派单"))


def test_ride_onward_recipient(ride):
    policy, _ = ride
    onward = policy.recipient("某某电子发票服务有限公司委托的外包服务机构")
    assert (onward.kind, onward.onward_of) == (RecipientKind.ONWARD, "某某电子发票服务有限公司")


def test_ride_sdks_and_permissions(ride):
    policy, _ = ride
    amap = sdk(policy, "高德地图SDK")
    assert (amap.provider, amap.function) == ("高德软件有限公司", "定位、导航")
    assert amap.fields == ("位置信息", "设备标识符", "IDFA", "OAID")
    alipay = sdk(policy, "支付宝SDK")  # the name was `code`
    assert alipay.policy_url == "https://render.alipay.com/p/c/k2cx0tg8"  # a link's address
    getui = sdk(policy, "个推SDK")
    assert (getui.provider, getui.fields, getui.evidence.line) == (
        "每日互动股份有限公司", ("设备标识符", "网络信息"), 42)
    assert [(p.name, p.platform, p.can_disable, p.fields) for p in policy.permissions] == [
        ("位置权限", "Android", "是", ("位置信息",)), ("相机权限", "iOS", "是", ()),
    ]


# -- game.txt: paragraph lists ------------------------------------------------------------

@pytest.fixture(scope="module")
def game():
    return imp("game.txt")


def test_game_sdks_from_paragraphs(game):
    policy, report = game
    assert (policy.app, policy.source.layout) == ("某某传奇", "records")
    assert [(t["kind"], t["line"], t["rows"]) for t in report.tables] == [("sdk", 9, 5), ("sharing", 36, 2)]
    assert [(s.name, s.provider) for s in policy.sdks] == [
        ("微信开放平台SDK", "深圳市腾讯计算机系统有限公司"),
        ("Bugly", "深圳市腾讯计算机系统有限公司"),
        ("友盟统计SDK", "友盟同欣（北京）科技有限公司"),
        ("支付宝SDK", "支付宝（中国）网络技术有限公司"),
        ("华为游戏SDK", "华为软件技术有限公司"),
    ]
    tables, _ = tables_of("game.txt")
    assert all(t.layout == "records" for t in tables)


def test_game_multi_line_records(game):
    policy, _ = game
    wx = sdk(policy, "微信开放平台SDK")
    assert (wx.purpose, wx.evidence.line) == ("微信登录、分享", 9)
    assert wx.fields == ("设备标识符", "IMEI", "Android ID", "网络信息")
    bugly = sdk(policy, "Bugly")  # named by its heading '2. Bugly', labels 开发者/功能/个人信息字段
    assert (bugly.function, bugly.contact, bugly.evidence.line) == ("崩溃日志上报", "bugly@tencent.com", 15)
    assert bugly.fields == ("设备型号", "操作系统版本", "崩溃日志")
    assert [f.evidence.line for f in flows(policy, via="Bugly")] == [19, 20, 21]
    umeng = sdk(policy, "友盟统计SDK")  # SDK提供方/用途/涉及个人信息; the 注： line after it is prose
    assert (umeng.purpose, umeng.fields) == ("统计分析", ("设备标识符", "OAID", "IDFA", "位置信息"))


def test_game_one_line_records(game):
    policy, report = game
    alipay = sdk(policy, "支付宝SDK")
    assert (alipay.purpose, alipay.policy_url) == ("游戏内购支付", "https://render.alipay.com/p/c/k2cx0tg8")
    assert alipay.fields == ("设备型号", "网络信息")
    huawei = sdk(policy, "华为游戏SDK")
    assert (huawei.function, huawei.contact) == ("华为账号登录", "https://consumer.huawei.com/cn/privacy/")
    assert huawei.fields == ("设备标识符", "应用信息")
    assert report.left_out == [
        "line 32: a labelled record (SDK名称、使用目的) names neither data nor who receives it; left out",
    ]


def test_game_sharing_paragraphs(game):
    policy, _ = game
    assert [(s.name, s.data_text) for s in policy.scenarios] == [
        ("实名认证", "姓名、身份证号码"), ("游戏充值", "订单号、充值金额")]
    topup = flows(policy, via="游戏充值")
    assert sorted({f.recipient for f in topup}) == ["支付宝（中国）网络技术有限公司", "财付通支付科技有限公司"]
    assert {f.field for f in topup} == {"订单号", "支付金额"}
    assert all(f.evidence.line == 37 for f in topup)
    # 联系方式 alone under 五、联系我们 is no record
    assert len(policy.scenarios) == 2


# -- news.html: English headers -----------------------------------------------------------

def test_news_english_headers_and_paragraphs():
    policy, report = imp("news.html")
    assert policy.app == "某某新闻"
    assert [(t["kind"], t["line"], t["rows"]) for t in report.tables] == [
        ("sdk", 8, 2), ("sharing", 17, 1), ("sdk", 21, 1)]
    assert report.tables[0]["headers"] == [
        "SDK name", "Third party", "Purpose", "Personal information collected", "Privacy policy link"]
    bugly = sdk(policy, "Bugly")
    assert (bugly.provider, bugly.purpose, bugly.fields) == (
        "Tencent", "Crash reports", ("设备型号", "操作系统版本", "崩溃日志"))
    assert {f.recipient for f in flows(policy, via="Bugly")} == {"深圳市腾讯计算机系统有限公司"}
    assert sdk(policy, "个推SDK").fields == ("设备标识符", "IMEI", "OAID", "网络信息")
    wechat = sdk(policy, "WeChat Open SDK")  # one <p> with &nbsp;-separated English labels
    assert (wechat.provider, wechat.purpose, wechat.policy_url) == (
        "Tencent", "share articles", "https://weixin.qq.com/privacy")
    assert wechat.fields == ("设备型号", "网络信息")
    comment = policy.scenarios[0]
    assert (comment.name, comment.purpose) == ("评论实名认证", "按法规要求进行实名认证")
    assert [f.recipient for f in flows(policy, via="评论实名认证")] == ["某某通信服务有限公司"]


# -- news.yaml: registry-as-code ------------------------------------------------------------

def test_news_yaml():
    policy, report = imp("news.yaml")
    assert (policy.app, policy.controller, policy.source.layout) == (
        "某某新闻", "北京某某新闻信息技术有限公司", "registry-yaml")
    assert report.guesses == [] and report.left_out == []
    assert [(s.name, s.frequency) for s in policy.scenarios] == [
        ("评论实名认证", "发表评论时一次"), ("广告效果监测", "")]
    assert policy.scenarios[1].evidence.line == 13  # the line of its name
    onward = policy.recipient("某某数据服务机构")
    assert (onward.kind, onward.onward_of) == (RecipientKind.ONWARD, "某某广告有限公司")
    ad = flows(policy, via="广告效果监测", recipient="某某广告有限公司")
    assert [(f.field, f.implied_via, f.evidence.line) for f in ad] == [
        ("设备标识符", None, 16), ("OAID", "设备标识符", 16), ("IDFA", "设备标识符", 16), ("网络信息", None, 17)]
    bugly = sdk(policy, "Bugly")
    assert bugly.function == "崩溃日志上报\n卡顿监测"
    assert (bugly.evidence.line, bugly.fields) == (29, ("设备型号", "操作系统版本", "崩溃日志"))
    perm = policy.permissions[0]
    assert (perm.name, perm.can_disable, perm.fields, perm.evidence.line) == ("位置权限", "是", ("位置信息",), 36)


def test_yaml_block_scalar_lines():
    tables, _ = tables_of("news.yaml")
    sdks = next(t for t in tables if t.kind == "sdk")
    assert sdks.rows[1].cells["function"].items == ((32, "崩溃日志上报"), (33, "卡顿监测"))


# -- registry-as-code: validation errors name file, line and field --------------------------

GOOD = """\
sharegraph: 1
app: 某某出行
scenarios:
  - name: 网约车派单
    fields: [手机号码]
    recipients: [某某汽车服务有限公司]
"""


def yaml_error(tmp_path, text: str) -> str:
    p = tmp_path / "policy.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as e:
        import_document(p, vocab=VOCAB)
    msg = str(e.value)
    assert "\n" not in msg
    return msg.replace(str(tmp_path) + "/", "")


def test_yaml_good_file_imports(tmp_path):
    p = tmp_path / "policy.yaml"
    p.write_text(GOOD, encoding="utf-8")
    policy, _ = import_document(p, vocab=VOCAB)
    assert [(f.field, f.recipient) for f in policy.flows] == [("手机号码", "某某汽车服务有限公司")]


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD.replace("    recipients: [某某汽车服务有限公司]", "    recipients: 某某汽车服务有限公司"),
     "policy.yaml:6: scenarios[0].recipients: expected a list"),
    (GOOD + """  - name: 出行保险
    fields: [姓名]
    recipients: {name: 某某保险}
""", "policy.yaml:9: scenarios[1].recipients: expected a list"),
    (GOOD.replace("app: 某某出行\n", ""), "policy.yaml:1: missing key 'app'"),
    (GOOD.replace("sharegraph: 1", "sharegraph: 2"), "policy.yaml:1: sharegraph: expected 1"),
    (GOOD.replace("    fields: [手机号码]\n", ""), "policy.yaml:4: scenarios[0]: missing key 'fields'"),
    (GOOD.replace("    fields: [手机号码]\n", "    fields: [手机号码]\n    field: [姓名]\n"),
     "policy.yaml:6: scenarios[0].field: unknown key (expected one of attributes, fields, frequency, name, purpose, recipients)"),
    (GOOD.replace("[某某汽车服务有限公司]", "[某某汽车服务有限公司, 360]"),
     "policy.yaml:6: scenarios[0].recipients[1]: expected a recipient name or a mapping with name, kind, onward_of"),
    (GOOD.replace("[某某汽车服务有限公司]", "\n      - {name: 某某外包服务机构, kind: onward}"),
     "policy.yaml:7: scenarios[0].recipients[0]: missing key 'onward_of'"),
    (GOOD.replace("[某某汽车服务有限公司]", "\n      - {name: 某某公司, kind: vendor}"),
     "policy.yaml:7: scenarios[0].recipients[0].kind: expected one of company, brand, unnamed, onward, affiliate"),
    (GOOD + "sdks:\n  - name: 123\n    fields: []\n",
     "policy.yaml:8: sdks[0].name: expected a string (put it in quotes)"),
    (GOOD.replace("  - name: 网约车派单\n", "  - name: 网约车派单\n    name: 拼车\n"),
     "policy.yaml:5: scenarios[0].name: given twice"),
    (GOOD.replace("    fields: [手机号码]", "    fields: [手机号码"),
     "policy.yaml:6: not valid YAML (expected ',' or ']', but got ':')"),
    (GOOD.replace("app: 某某出行", "app: ''").replace("[手机号码]", "手机号码"),
     "policy.yaml:2: app: must not be empty (and 1 more problem)"),
])
def test_yaml_errors_name_file_line_and_field(tmp_path, text, expected):
    assert yaml_error(tmp_path, text) == expected


def test_yaml_without_marker_is_not_registry_as_code(tmp_path):
    msg = yaml_error(tmp_path, "app: 某某出行\nscenarios: []\n")
    # not registry-as-code, and no list of disclosure records either: both are said
    assert msg.startswith("policy.yaml: no sharing list, SDK list or permission table recognized")
    assert msg.endswith("registry-as-code needs a top-level 'sharegraph: 1' key (see docs/registry-as-code.md)")


# -- round trip: policy -> YAML -> policy ------------------------------------------------------

def _comparable(p):
    lines = re.compile(r"\(line \d+\)")
    return {
        "app": p.app, "controller": p.controller,
        "scenarios": [(s.name, s.frequency, s.purpose) for s in p.scenarios],
        "sdks": [dataclasses.replace(s, evidence=None, data_text="") for s in p.sdks],
        "permissions": [dataclasses.replace(x, evidence=None) for x in p.permissions],
        "fields": list(p.fields),
        # facts quote the source's own lines (registry.recipient_facts): registry-as-code keeps none
        "recipients": [dataclasses.replace(r, resolution=lines.sub("(line N)", r.resolution or ""), facts=())
                       for r in p.recipients],
        # evidence and form say where and how the source wrote a fact: the YAML is another source
        "flows": [dataclasses.replace(f, evidence=None, recipient_line=0, form="") for f in p.flows],
    }


@pytest.mark.parametrize("source", [SEED_PATH, *(FIX / n for n in FIXTURES)], ids=lambda p: Path(p).name)
def test_yaml_round_trip(tmp_path, source):
    policy, _ = imp(Path(source))
    out = tmp_path / "exported.yaml"
    out.write_text(registry_to_yaml(policy, vocab=VOCAB), encoding="utf-8")
    again, _ = imp(out)
    assert again.source.layout == "registry-yaml"
    assert _comparable(again) == _comparable(policy)
    assert len(again.flows) == len(policy.flows) > 0


def test_seed_round_trip_keeps_counts_and_brand_resolution(tmp_path):
    policy, _ = imp(SEED_PATH)
    text = registry_to_yaml(policy, vocab=VOCAB)
    assert text.startswith("# sharegraph registry-as-code")
    assert "\nsharegraph: 1\napp: 你我贷\ncontroller: 哈尔滨市龙商小额贷款有限责任公司\n" in text
    out = tmp_path / "seed.yaml"
    out.write_text(text, encoding="utf-8")
    _, report = imp(out)
    assert (report.counts["sharing_rows"], report.counts["sdks"], report.counts["permissions"],
            report.counts["permission_rows"]) == (13, 15, 12, 20)  # 12 permissions, iOS and Android rows: docs/counts.md


# -- layout detection ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "layout"), [
    ("shop.html", "html"), ("ride.md", "markdown"), ("game.txt", "records"),
    ("news.html", "html"), ("news.yaml", "registry-yaml"),
])
def test_layout_by_extension(name, layout):
    assert detect_layout(read_source(FIX / name)) == layout


@pytest.mark.parametrize(("name", "readers"), [
    ("shop.html", {"html", "records"}), ("ride.md", {"markdown", "records"}), ("news.yaml", None),
])
def test_extension_is_a_hint_not_a_gate(tmp_path, name, readers):
    """The same document saved as .txt reads the same: the content decides, not the name."""
    src = tmp_path / "policy.txt"
    src.write_bytes((FIX / name).read_bytes())
    policy, report = imp(src)
    base, _ = imp(name)
    assert policy.source.layout == base.source.layout
    if readers:
        assert readers <= {r.split(" ")[2] for r in report.info if r.startswith("read by ")}
    assert [(f.field, f.via, f.recipient) for f in policy.flows] == [
        (f.field, f.via, f.recipient) for f in base.flows]


def test_html_without_any_table_or_list(tmp_path):
    src = tmp_path / "empty.html"
    src.write_text("<html><body><table><tr><td>版本</td><td>日期</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(NoTableError) as e:
        imp(src)
    assert str(e.value).startswith(f"{src}: no sharing list, SDK list or permission table recognized")
    assert "html (score" in str(e.value)  # which readers looked, and what each saw


# -- encodings and line endings -----------------------------------------------------------------

VARIANTS = ["utf-8-bom", "gb18030", "utf-16", "crlf", "cr"]


def _encode(text: str, variant: str) -> bytes:
    if variant == "utf-8-bom":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if variant == "gb18030":
        return text.encode("gb18030")
    if variant == "utf-16":
        return text.encode("utf-16")  # with its BOM
    if variant == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    return text.replace("\n", "\r").encode("utf-8")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", FIXTURES)
def test_each_layout_imports_the_same_in_each_encoding(tmp_path, name, variant):
    base, base_report = imp(name)
    src = tmp_path / name
    src.write_bytes(_encode((FIX / name).read_text(encoding="utf-8"), variant))
    policy, report = imp(src)
    assert policy.source.encoding == {"utf-8-bom": "utf-8-sig", "gb18030": "gb18030", "utf-16": "utf-16"}.get(
        variant, "utf-8")
    assert (policy.app, policy.source.layout) == (base.app, base.source.layout)
    assert report.tables == base_report.tables
    assert [(f.field, f.field_as_written, f.via, f.recipient, f.evidence.line) for f in policy.flows] == [
        (f.field, f.field_as_written, f.via, f.recipient, f.evidence.line) for f in base.flows]
    assert report.left_out == base_report.left_out


# -- many documents into one registry --------------------------------------------------------------

def test_import_many_collects_failures_and_goes_on(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("sharegraph: 1\napp: [x]\n", encoding="utf-8")
    paths = [FIX / n for n in FIXTURES] + [bad, tmp_path / "missing.txt"]
    result = import_many(paths, Registry(), progress=False, vocab=VOCAB)
    assert result.registry.apps == ["某某优选", "某某传奇", "某某出行", "某某新闻"]
    # news.html and news.yaml are the same app: the later import replaced the earlier
    assert result.registry.policies["某某新闻"].source.layout == "registry-yaml"
    assert len(result.reports) == 5
    assert result.failed == [f"{bad}:2: app: expected a string", f"{tmp_path / 'missing.txt'}: no such file"]


def test_import_many_with_progress_bar(tmp_path, capsys):
    result = import_many([FIX / "ride.md"], progress=True, vocab=VOCAB)
    assert result.registry.apps == ["某某出行"]
    assert "importing" in capsys.readouterr().err
