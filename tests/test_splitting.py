"""The item splitter: examples from the seed, and properties under random input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.splitting import SEPARATORS, split_items

ITEM = st.text(
    alphabet=st.sampled_from(list("姓名手机号码身份证设备信息地址ABCimei 0123")), min_size=1, max_size=8
).map(str.strip).filter(lambda s: s and not any(sep in s for sep in SEPARATORS))
SEP = st.sampled_from(["、", "；", "，", "以及", "\n", ";", ","])


def texts(s: str) -> list[str]:
    return [i.text for i in split_items(s)]


def test_seed_examples():
    assert texts("语音信箱号码、SIM卡序列号") == ["语音信箱号码", "SIM卡序列号"]
    assert texts("个人常用设备信息、") == ["个人常用设备信息"]
    assert texts("消费凭证以及用户提供的经营企业信息") == ["消费凭证", "用户提供的经营企业信息"]
    assert texts("通知用户借款、还款等信息；商业营销") == ["通知用户借款", "还款", "商业营销"]
    g = split_items("借款相关信息（借款期限、借款额度、还款金额）；是否开通权益")
    assert [i.text for i in g] == ["借款相关信息", "是否开通权益"]
    assert [m.text for m in g[0].members] == ["借款期限", "借款额度", "还款金额"]


def test_parenthesis_that_lists_nothing_stays_in_the_name():
    assert texts("辽宁自贸试验区（营口片区）桔子数字科技有限公司、比肩未来数字科技（北京）有限公司") == [
        "辽宁自贸试验区（营口片区）桔子数字科技有限公司", "比肩未来数字科技（北京）有限公司",
    ]
    assert texts("贷后管理（逾期提醒）") == ["贷后管理（逾期提醒）"]


def test_lead_in_makes_a_group_even_with_one_member():
    g = split_items("设备信息（包括IMEI）")[0]
    assert g.text == "设备信息" and [m.text for m in g.members] == ["IMEI"]


def test_unclosed_parenthesis_does_not_swallow_the_cell():
    # the open parenthesis is a break: no group (where would it end?), and no "设备信息（IMEI" item
    assert texts("设备信息（IMEI、姓名") == ["设备信息", "IMEI", "姓名"]


@settings(max_examples=300, deadline=None)
@given(st.lists(ITEM, min_size=1, max_size=8), st.lists(SEP, min_size=8, max_size=8),
       st.booleans())
def test_joined_items_split_back(items, seps, trailing):
    text = "".join(item + seps[i] for i, item in enumerate(items))
    if not trailing:
        text = text[: -len(seps[len(items) - 1])]
    assert texts(text) == items


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_splits_without_error_into_substrings(text):
    for item in split_items(text):
        assert item.text
        assert item.text in text or item.raw in text
        assert not item.text.startswith(("、", "；", "，")) and not item.text.endswith(("、", "；", "，"))
        for m in item.members:
            assert m.text in text


# ---------------------------------------------------------------- real documents
# Cells cut from /work/shared/corpus/<name>/source.* (file and line in each comment);
# the expectations were written by reading the document.

def tree(text: str) -> list[tuple[str, list[str]]]:
    return [(i.text, [m.text for m in i.members]) for i in split_items(text)]


def test_conjunction_between_two_items_splits():
    # xunfeng_share_list/source.txt:9 (网易宝 row): 身份证号码 and the card's pictures are two items
    assert texts("姓名,手机号码,身份证号码及身份证图片,银行卡信息") == [
        "姓名", "手机号码", "身份证号码", "身份证图片", "银行卡信息"]
    # xunfeng_share_list/source.txt:10 (顺丰速运 row)
    assert texts("商品信息、收货地址、收件人姓名和收件人手机号码") == [
        "商品信息", "收货地址", "收件人姓名", "收件人手机号码"]
    # keysf_third_sdk/source.txt:28 (OPPO row): …手机操作系统版本及语言)
    g = split_items("设备信息(如IMEI号,Serial Number,IMSI,User ID,Android ID,Google Advertising ID, "
                    "手机Region设置,设备型号,手机电量,手机操作系统版本及语言)")[0]
    assert [m.text for m in g.members][-2:] == ["手机操作系统版本", "语言"]
    assert "User ID" in [m.text for m in g.members]


def test_conjunction_inside_a_name_does_not_split():
    # seed SDK table (腾讯云人脸核身SDK): one item each, known fields
    assert texts("通过摄像头拍摄的身份证信息及影像") == ["通过摄像头拍摄的身份证信息及影像"]
    assert texts("银行卡信息及影像") == ["银行卡信息及影像"]
    # seed SDK table (OPPO推送SDK)
    assert texts("APP包名及版本号") == ["APP包名及版本号"]
    # seed appendix (贷后管理 row): an onward processor, read by normalize.classify_recipient
    assert texts("广西广木资产管理有限公司、广西嘉数信息科技有限公司及其委托的外包服务机构") == [
        "广西广木资产管理有限公司", "广西嘉数信息科技有限公司及其委托的外包服务机构"]
    # seed: 和 inside company names
    assert texts("深圳市和讯华谷信息技术有限公司、杭州朗和科技有限公司") == [
        "深圳市和讯华谷信息技术有限公司", "杭州朗和科技有限公司"]
    # turing_voice_sdk/source.ts:918: a permission's name, not two items
    assert texts("获取手机状态和身份，读写本地文件") == ["获取手机状态和身份", "读写本地文件"]
    # one category of recipient whose words share a head noun
    assert texts("短信和语音服务机构") == ["短信和语音服务机构"]


def test_two_companies_joined_by_a_conjunction_split():
    assert texts("北京旷视科技有限公司和腾讯云计算（北京）有限责任公司") == [
        "北京旷视科技有限公司", "腾讯云计算（北京）有限责任公司"]
    assert texts("Google LLC and Meta Platforms, Inc.") == ["Google LLC", "Meta Platforms, Inc."]


def test_english_company_names_stay_whole():
    # acuity_subprocessors/source.md:86, 122, 146, 158, 206 (headings naming the recipient)
    for name in ("Stripe, Inc.", "Resend (Resend, Inc.)", "PostHog, Inc. (PostHog Cloud US)",
                 "Functional Software, Inc. (Sentry)", "Expo (650 Industries, Inc.)"):
        assert [i.raw for i in split_items(name)] == [name]
    # paymenthood_subprocessors/source.yml:67
    assert [i.raw for i in split_items("InfyniPay B.V.")] == ["InfyniPay B.V."]
    for name in ("Beijing Foo Technology Co., Ltd.", "Foo GmbH", "Foo S.A.", "Foo Pte. Ltd.", "Foo LLC"):
        assert [i.raw for i in split_items(name)] == [name]
    assert texts("Beijing Foo Technology Co., Ltd., Bar GmbH") == ["Beijing Foo Technology Co., Ltd.", "Bar GmbH"]
    # paymenthood_subprocessors/source.yml: "service: Google Tag Manager and Google Analytics"
    assert texts("Google Tag Manager and Google Analytics") == ["Google Tag Manager and Google Analytics"]


def test_english_lists():
    # acuity_subprocessors/source.md:91 (Stripe)
    assert texts("Email, name, billing address, payment method (held by Stripe, not Acuity), "
                 "subscription identifiers") == [
        "Email", "name", "billing address", "payment method", "subscription identifiers"]
    # acuity_subprocessors/source.md:67 and 79: "+" joins two items
    assert texts("Voice audio + the resulting transcript") == ["Voice audio", "resulting transcript"]
    assert texts("Transcript text + prompt context") == ["Transcript text", "prompt context"]
    # acuity_subprocessors/source.md:127: "send + delivery metadata" shares its noun
    assert texts("Email address, email body, send + delivery metadata") == [
        "Email address", "email body", "send + delivery metadata"]
    # paymenthood_subprocessors/source.yml:54: Oxford comma
    assert texts("Email address supplied by the visitor, and the content of the chat conversation.") == [
        "Email address", "content of the chat conversation"]
    # bento_subprocessors/source.md:41
    assert texts("Account contact details and content submitted through managed pages") == [
        "Account contact details", "content submitted through managed pages"]
    # paymenthood_subprocessors/source.yml:71 and 22
    assert texts("Payment metadata and provider-issued tokens. No cardholder data.") == [
        "Payment metadata", "provider-issued tokens"]
    assert texts("Account data, payment metadata and tokens, audit logs. No cardholder data.") == [
        "Account data", "payment metadata and tokens", "audit logs"]
    # paymenthood_subprocessors/source.yml:46: "device and browser" is one item
    assert texts("IP address, device and browser, playback events.") == [
        "IP address", "device and browser", "playback events"]


def test_slash():
    # jd_yangche_share_list/source.txt:13: members inside a parenthesis
    assert tree("设备唯一标识码(IMEI/IMSI)、设备序列号") == [
        ("设备唯一标识码", ["IMEI", "IMSI"]), ("设备序列号", [])]
    # keysf_third_sdk/source.txt:14
    assert tree("设备信息(IMEI/MAC/Android ID/SIM卡IMSI/IP)、位置信息")[0] == (
        "设备信息", ["IMEI", "MAC", "Android ID", "SIM卡IMSI", "IP"])
    # baton_subprocessors/source.md:22 and 24: English "a/b" phrases stay whole
    assert texts("Authentication events, hashed credentials/identity tokens, platform metadata") == [
        "Authentication events", "hashed credentials/identity tokens", "platform metadata"]
    assert texts("Ticket metadata; screenshots/log excerpts") == ["Ticket metadata", "screenshots/log excerpts"]
    # seed: known fields written with a slash
    assert texts("驾驶证/行驶证照片") == ["驾驶证/行驶证照片"]
    assert texts("显示/点击/关闭打点上报记录") == ["显示/点击/关闭打点上报记录"]
    # two known identifiers at the top level; platforms and URLs stay whole
    assert texts("IMEI/IMSI") == ["IMEI", "IMSI"]
    assert texts("Android/iOS") == ["Android/iOS"]
    assert texts("https://lbs.amap.com/pages/privacy/") == ["https://lbs.amap.com/pages/privacy/"]


def test_member_lists_opened_by_a_word():
    # baton_subprocessors/source.md:23
    assert tree("Client Data including worker profiles, qualifications, wage-related calculation inputs, "
                "audit logs") == [("Client Data", ["worker profiles", "qualifications",
                                                  "wage-related calculation inputs", "audit logs"])]
    # paymenthood_subprocessors/source.yml:63
    assert tree("Server logs, including IP address and user agent.") == [
        ("Server logs", ["IP address", "user agent"])]
    # baton_subprocessors/source.md:25
    assert tree("Files a Client uploads or shares to Baton for ingestion (e.g., spreadsheets with worker "
                "details)") == [("Files a Client uploads or shares to Baton for ingestion",
                                 ["spreadsheets with worker details"])]
    # vivo_browser/source.md:210 and xunfeng_share_list/source.txt:8
    assert tree("设备信息（如OAID）") == [("设备信息", ["OAID"])]
    assert tree("发票信息(包括抬头名称、公司税号、发票金额)") == [("发票信息", ["抬头名称", "公司税号", "发票金额"])]


def test_one_item_like_member_makes_a_group():
    assert tree("帐号信息（华为帐号ID）") == [("帐号信息", ["华为帐号ID"])]
    # turing_voice_sdk/source.ts:275 (a space before the parenthesis)
    assert tree("唯一设备识别码 （IDFA）、本机号码") == [("唯一设备识别码", ["IDFA"]), ("本机号码", [])]
    # vivo_browser/source.md:242
    assert tree("设备信息、用户行为数据（阅读行为信息）") == [
        ("设备信息", []), ("用户行为数据", ["阅读行为信息"])]
    # a parenthesis that names no item stays in the name
    assert texts("Amazon Web Services (AWS)") == ["Amazon Web Services (AWS)"]


def test_enumerated_parts_and_sentences():
    # acuity_subprocessors/source.md:175 (Google LLC)
    assert tree("(a) Email, name, profile image URL via OAuth; (b) pseudonymised page-view events; "
                "(c) device push token") == [
        ("Email", []), ("name", []), ("profile image URL", []), ("pseudonymised page-view events", []),
        ("device push token", [])]
    # acuity_subprocessors/source.md:115 (Vercel): a second sentence denies, it is no item
    assert tree("Incidental — request metadata (path, status, IP at the infrastructure layer). "
                "Function bodies are not logged.") == [
        ("request metadata", ["path", "status", "IP at the infrastructure layer"])]


def test_memoized_items_carry_their_own_line():
    a = split_items("设备信息（包括IMEI）", 3)
    b = split_items("设备信息（包括IMEI）", 7)
    assert (a[0].line, a[0].members[0].line) == (3, 3)
    assert (b[0].line, b[0].members[0].line) == (7, 7)


def test_a_known_field_spanning_a_conjunction_stays_whole():
    # seed_policy.txt:71: 日志信息（如访问内容、IP地址、访问日期和时间及访问记录等）
    g = split_items("日志信息（如访问内容、IP地址、访问日期和时间及访问记录等）")[0]
    assert [m.text for m in g.members] == ["访问内容", "IP地址", "访问日期和时间", "访问记录"]
    assert texts("姓名和银行卡信息及影像") == ["姓名", "银行卡信息及影像"]


def test_long_text_full_of_conjunctions_is_read_in_linear_time():
    import time

    for text in ("设备信息和" * 2000, "a and " * 3000, "IMEI/" * 3000, "收件人姓名和收件人手机号码" * 500):
        start = time.perf_counter()
        split_items(text)
        assert time.perf_counter() - start < 2.0, text[:20]


def test_a_cell_that_opens_by_naming_nothing_names_no_data():
    # /work/shared/corpus/acuity_subprocessors/source.md line 239, the Status cell of the
    # "Subprocessors NOT used" table: the words after "Not used." say why, they are no data
    assert texts("Not used. Sentry covers our crash and error telemetry; Vercel covers function metrics.") == []
    # ...while a denial after items stays their qualifier (the items are kept)
    assert texts("Account data, audit logs. No cardholder data.") == ["Account data", "audit logs"]


def test_an_introducer_followed_by_de_is_a_word_of_the_item():
    # /work/shared/corpus/vivo_browser/source.md line 56: "…、浏览记录信息及访问剪切板读取包含的口令、…":
    # 包含的口令 is "the passwords it contains", not a list opened by 包含; 及 joins two items
    assert texts("浏览记录信息及访问剪切板读取包含的口令") == ["浏览记录信息", "访问剪切板读取包含的口令"]
    # (an opener without 的 still opens a list: test_lead_in_makes_a_group_even_with_one_member)


# -- cells of real SDK pages found with search (tests/fixtures/import/corpus_cuts/README.md) --------

def test_a_platform_and_a_member_word_open_the_items_after_them():
    # tingya_platform_lead_records.txt line 6: 设备标识符(Android如IMEI、IMSI、…,iOS如IDFV、IDFA)
    g = split_items("设备标识符(Android如IMEI、IMSI、Android ID、设备序列号、SIM卡/ICCID、OAID,iOS如IDFV、IDFA)")[0]
    got = {m.text: m.qualifiers for m in g.members}
    assert got["IMEI"] == ("platform: Android",) and got["OAID"] == ("platform: Android",)
    assert got["IDFV"] == ("platform: iOS",) and got["IDFA"] == ("platform: iOS",)
    assert texts("Android ID、IDFA") == ["Android ID", "IDFA"]        # a platform word inside a name


def test_a_parenthesis_left_open_at_the_end_of_a_cell_is_a_break_not_part_of_an_item():
    # zconnect_unclosed_parenthesis.txt line 6 (the stored copy ends inside the parenthesis)
    items = split_items("设备标识符(IMEI、IDFA、IMSI及其他设备相关信息)、设备网络环境信息(IP地址,WiFi信息,基站信息及其他")
    assert [i.text for i in items] == ["设备标识符", "设备网络环境信息", "IP地址", "WiFi信息", "基站信息"]
    # "及其他…" trailing an item is a qualifier, not a part of its name
    assert [(m.text, m.qualifiers) for m in items[0].members][-1] == ("IMSI", ("及其他设备相关信息",))
    # a parenthesis closed on a later line of the cell is not closed early
    assert texts("running the online service (") == ["running the online service ("]


def test_an_inline_numbered_list_is_a_list_of_items():
    # solarman_numbered_inline_items.txt line 5: 共享信息名称:1.本机设备信息(IMEI、IMSI) 2.MAC地址 3.手机型号、…
    items = split_items("1.本机设备信息(IMEI、IMSI) 2.MAC地址 3.手机型号、系统类型、系统版本、手机屏幕大小参数")
    assert [i.text for i in items] == ["本机设备信息", "MAC地址", "手机型号", "系统类型", "系统版本", "手机屏幕大小参数"]
    assert texts("3.0版本号") == ["3.0版本号"]


def test_a_chinese_label_after_a_space_opens_a_clause_and_both_platforms_marker():
    # pipe_rows_rowspan_sdk_table.txt line 2: "…【仅iOS】…、IDFV 可选信息: 【双端】设备MAC地址(如为iOS端,…)"
    items = split_items("必选信息: 【仅iOS】手机系统重启时间、IDFV 可选信息: 【双端】设备MAC地址(如为iOS端,则仅适用于IOS3200以下版本)")
    assert [i.text for i in items] == ["手机系统重启时间", "IDFV", "设备MAC地址"]
    assert "必选信息" in items[1].qualifiers and "可选信息" not in items[1].qualifiers
    assert "可选信息" in items[2].qualifiers and "platform: Android and iOS" in items[2].qualifiers
    assert "必选信息" not in items[2].qualifiers


def test_items_then_a_colon_and_their_purpose():
    # traditional_script_sdk_record.txt line 9 (tests/fixtures/import/corpus_cuts/)
    items = split_items("網絡信息(網絡類型、運營商名稱、IP 地址):用于判斷 SDK 與服務器的網絡連接狀態,保證服務的穩定性和連續性;")
    assert [i.text for i in items] == ["網絡信息"]
    assert [m.text for m in items[0].members] == ["網絡類型", "運營商名稱", "IP 地址"]
    assert items[0].qualifiers[0].startswith("用于判斷")
