"""Readers on cuts of real documents: the forms that used to import nothing.

Every fixture is a contiguous cut of a real public document (tests/fixtures/import/corpus_cuts/
README.md says which, and which lines); every expectation below was read off that text.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from registry.errors import NoTableError
from registry.importer import import_document
from registry.readers import Document, read_document, sniff_all
from registry.source import read_source

CUTS = Path(__file__).resolve().parent / "fixtures" / "import" / "corpus_cuts"


def received(policy) -> dict[str, set[str]]:
    """recipient -> the data items as written that reach it."""
    out: dict[str, set[str]] = defaultdict(set)
    for f in policy.flows:
        out[f.recipient].add(f.field_as_written)
    return out


# -- the layout is found from the content, the extension is a hint -------------------------------

def test_markdown_file_whose_table_is_html_is_read_as_html():
    # feelthegap_html_table.md: an HTML <table> in a .md file (as MDX/Docusaurus sites keep them)
    policy, _ = import_document(CUTS / "feelthegap_html_table.md")
    assert policy.source.layout.split("+")[0] == "html"
    got = received(policy)
    assert {"account", "content", "logs"} <= got["Supabase"]
    assert {"billing data", "card tokens"} <= got["Stripe"]
    assert {"recipient email", "subject", "body"} <= got["Resend"]
    # the Location column is kept as an attribute, never read as a recipient
    assert "EU (Frankfurt)" not in got
    supabase = next(s for s in policy.scenarios if s.recipients_text == "Supabase")
    assert ("location", "EU (Frankfurt)") in supabase.attributes


def test_every_reader_that_finds_something_is_offered_the_document():
    doc = Document(read_source(CUTS / "feelthegap_html_table.md"))
    scores = dict((name, s) for s, name in sniff_all(doc))
    # HTML tables beat the .md extension's hint; the records and prose readers are asked too
    assert scores["html"] == max(scores.values()) and scores["html"] > scores["markdown"]


# -- a table is not thrown away for one header ---------------------------------------------------

def test_sub_processor_table_with_headers_no_synonym_list_had():
    # bento_table.md: "Service provider | Purpose | Customer data involved | Region | Notes"
    policy, _ = import_document(CUTS / "bento_table.md")
    got = received(policy)
    assert set(got) == {"Amazon Web Services (AWS)", "Heroku", "Vercel", "Cloudflare"}
    assert {"IP address", "request metadata", "cookies", "security logs"} <= got["Cloudflare"]
    assert "message metadata" in got["Amazon Web Services (AWS)"]
    cloudflare = next(s for s in policy.scenarios if s.recipients_text == "Cloudflare")
    assert ("Notes", "Performance and DDoS protection") in cloudflare.attributes


def test_table_saved_one_cell_per_line_with_pipes_and_cut_short():
    # keysf_cell_lines.txt: every cell on its own line ending in " |"; the cut ends inside the
    # second row (小米), as the archived page itself ends mid-table
    policy, report = import_document(CUTS / "keysf_cell_lines.txt")
    assert [(s.name, s.provider) for s in policy.sdks] == [("华为推送SDK", "华为终端有限公司")]
    assert "位置信息" in received(policy)["华为终端有限公司"]
    assert any("cut off" in n and "left out" in n for n in report.left_out)


def test_rows_that_lost_their_first_cell_are_realigned_with_low_confidence():
    # xunfeng_shifted.txt: rows 京东快递 and 德邦 have no 序号 cell, their cells stand one to the left
    policy, report = import_document(CUTS / "xunfeng_shifted.txt")
    jd = [f for f in policy.flows if f.recipient == "京东快递"]
    assert jd and {f.confidence for f in jd} == {"low"}
    assert "收货地址" in {f.field_as_written for f in jd}
    assert all("shifted" in f.note for f in jd)
    sf = [f for f in policy.flows if f.recipient == "顺丰速运"]
    assert sf and {f.confidence for f in sf} == {"high"}
    assert sum("missing" in g for g in report.guesses) == 2  # the rows of 京东快递 and 德邦


# -- labelled records ----------------------------------------------------------------------------

def test_records_without_titles_split_at_a_repeated_label():
    # jd_records.txt: "产品/类型:…" opens each entry; the recipient comes after the data
    policy, report = import_document(CUTS / "jd_records.txt")
    got = received(policy)
    assert {"MAC地址", "软件安装列表", "设备序列号"} <= got["深圳市和讯华谷信息技术有限公司"]
    assert "MAC地址" in got["高德软件有限公司"]
    assert "软件安装列表" not in got["高德软件有限公司"]
    # the third entry (百度地图) is cut before its 第三方公司名称: said, not guessed
    assert any("考勤打卡" in n and "no recipient" in n for n in report.left_out)


def test_numbered_records_with_unnumbered_labels_inside():
    # jibencaozuo_numbered.md: "2.1微信SDK" then "2.1.1应用场景：…", "2.1.3第三方SDK提供方：腾讯。"
    policy, _ = import_document(CUTS / "jibencaozuo_numbered.md")
    assert [(s.name, s.provider) for s in policy.sdks] == [
        ("微信SDK", "腾讯"), ("支付宝SDK", "蚂蚁集团"), ("Expo SDK", "Expo")]
    assert "本机号码" in received(policy)["腾讯"]
    assert received(policy)["Expo"] == {"设备信息", "存储信息"}


def test_circled_records_and_a_label_spelled_another_way():
    # vivo_circled_records.md: ①…⑧ titles with 主体名称/使用目的/数据类型 labels; ⑨ writes
    # "SDk 名称：百度搜索SDK" instead of a title
    policy, _ = import_document(CUTS / "vivo_circled_records.md")
    names = [s.name for s in policy.sdks]
    assert len(names) == 9
    assert names[0] == "微信开放平台SDK" and names[-1] == "百度搜索SDK"
    assert policy.sdks[-1].provider == "百度时代网络技术（北京）有限公司"
    assert "OAID" in received(policy)["网宿科技股份有限公司"]
    assert "相机相册信息" in received(policy)["百度时代网络技术（北京）有限公司"]


def test_key_value_tables_under_headings_are_records():
    # acuity_kv_tables.md: "### 1. OpenAI" then a Field | Detail table per sub-processor
    policy, _ = import_document(CUTS / "acuity_kv_tables.md")
    got = received(policy)
    assert {"OpenAI", "Anthropic"} <= set(got)
    assert any("Voice audio" in f for f in got["OpenAI"])
    assert any("prompt context" in f for f in got["Anthropic"])
    # "Retention by subprocessor" holds sentences, not names: no recipient is made of it
    assert not any(r.startswith("Audio not retained") for r in got)
    openai = next(s for s in policy.scenarios if s.recipients_text == "OpenAI")
    assert ("location", "United States") in openai.attributes  # Country of processing


# -- nothing silent ------------------------------------------------------------------------------

def test_a_document_with_nothing_to_read_says_which_readers_looked(tmp_path):
    # the Posture section of the Acuity page: prose about sub-processors, no list
    text = (Path("/dev/null").read_text() or "") + (CUTS / "acuity_kv_tables.md").read_text(
        encoding="utf-8").split("### 1.")[0]
    p = tmp_path / "prose.md"
    p.write_text(text + "\nSubprocessors are listed on request.\n", encoding="utf-8")
    with pytest.raises(NoTableError) as e:
        import_document(p)
    assert "readers:" in str(e.value) and "\n" not in str(e.value)


def test_reading_reports_what_each_reader_saw():
    reading = read_document(read_source(CUTS / "bento_table.md"))
    assert any(line.startswith("markdown (score") and "1 table(s), 4 row(s)" in line
               for line in reading.looked)


def test_numbered_sdk_titles_over_a_scenario_label_are_the_sdks():
    # zeekr_numbered_sdk_records.txt: "1. 微博SDK" then 运营方/使用场景/处理目的/收集个人信息类型; a 使用场景
    # under an SDK's title says what the SDK is for, it does not make the title a heading. The
    # page's title "第三方SDK收集使用信息说明" is no statement of an SDK collecting anything.
    policy, _ = import_document(CUTS / "zeekr_numbered_sdk_records.txt")
    assert [(s.name, s.provider) for s in policy.sdks] == [
        ("微博SDK", "北京微梦创科网络技术有限公司"), ("抖音SDK", "北京微播视界科技有限公司"),
        ("快手SDK", "北京快手科技有限公司")]
    assert received(policy)["北京快手科技有限公司"] == {"昵称", "头像", "授权code"}
    assert {f.recipient for f in policy.flows} == {s.provider for s in policy.sdks}


def test_bulleted_sdk_records_after_a_lead_in_sentence():
    # todo_bulleted_sdk_records.txt: "我们接入的第三方SDK目录如下:" leads into the list (no label);
    # each SDK's title, then "- 公司主体:…", "- 共享信息:…" (the first) or "- 数据类型:…" (the second)
    policy, _ = import_document(CUTS / "todo_bulleted_sdk_records.txt")
    assert [(s.name, s.provider) for s in policy.sdks] == [
        ("微信 SDK", "深圳市腾讯计算机系统有限公司"), ("QQ SDK", "深圳市腾讯计算机系统有限公司")]
    got = {s.name: set(s.fields) for s in policy.sdks}
    assert {"微信昵称", "微信头像"} <= {f.field_as_written for f in policy.flows if f.via == "微信 SDK"}
    assert {f.field_as_written for f in policy.flows if f.via == "QQ SDK"} >= {"QQ昵称", "QQ头像"}
    assert all(got.values())


def test_bulleted_sdk_records_read_their_items_as_the_fields_they_name():
    # the same cut, line 11 (微信 SDK) and line 18 (QQ SDK), item by item
    policy, report = import_document(CUTS / "todo_bulleted_sdk_records.txt")
    field = {(f.via, f.field_as_written): f.field for f in policy.flows if f.implied_via is None}
    # a platform's nickname and avatar are a nickname and an avatar
    assert field[("微信 SDK", "微信昵称")] == field[("QQ SDK", "QQ昵称")] == "昵称"
    assert field[("微信 SDK", "微信头像")] == field[("QQ SDK", "QQ头像")] == "头像"
    assert field[("微信 SDK", "终端设备标识符")] == "设备标识符"
    assert field[("微信 SDK", "设备配置")] == "设备信息"
    # 网络类型(例如 Wi-FI、3G、4G): the values network type takes, not three fields
    assert field[("QQ SDK", "网络类型")] == "网络类型"
    assert not {"Wi-FI", "3G", "4G"} & {f.field_as_written for f in policy.flows}
    # (查询本机是否已安装 以便显示该登录方式) says why, and is the item's qualifier
    apps = [f for f in policy.flows if f.field == "应用程序列表"]
    assert {f.via for f in apps} == {"微信 SDK", "QQ SDK"}
    assert {f.qualifiers for f in apps} == {("查询本机是否已安装 以便显示该登录方式",)}
    # 内存卡权限 is the storage permission: its own flow, and the data storage gives, low
    assert {(f.field, f.confidence) for f in policy.flows if f.field_as_written == "内存卡权限"} == {
        ("内存卡权限", "high"), ("存储文件", "low"), ("照片", "low")}
    assert set(report.unresolved_fields) == {"内存卡权限"}


def test_sdks_whose_list_names_no_provider_go_to_the_brand_their_name_carries():
    # gelonghui_sdks_without_provider.txt: 微信开放平台SDK, 新浪微博开放平台SDK, QQ互联SDK, 华为推送SDK,
    # each with 收集信息 and 使用目的 but no provider. Before, nothing was imported ("no flows").
    policy, report = import_document(CUTS / "gelonghui_sdks_without_provider.txt")
    assert [s.name for s in policy.sdks] == ["微信开放平台SDK", "新浪微博开放平台SDK", "QQ互联SDK", "华为推送SDK"]
    by_sdk = {f.via: f for f in policy.flows}
    assert {v: f.recipient for v, f in by_sdk.items()} == {
        "微信开放平台SDK": "微信", "新浪微博开放平台SDK": "新浪微博", "QQ互联SDK": "腾讯", "华为推送SDK": "华为"}
    assert {f.confidence for f in policy.flows} == {"low"}
    assert all("names no provider" in f.note for f in policy.flows)
    assert {r.kind.value for r in policy.recipients} == {"brand"}   # no legal entity is claimed
    assert "位置信息" in {f.field_as_written for f in policy.flows if f.via == "华为推送SDK"}
    # kept on a guess, so the report says so under "guessed:", not "left out:"
    assert sum("names no provider" in n for n in report.guesses) == 4
    assert not any("names no provider" in n for n in report.left_out)


def test_a_letter_mark_before_an_sdk_title_is_no_part_of_its_name():
    # fygt_lettered_sdk_records.txt: the second SDK's title is "b)新浪微博移动 SDK(Android 端、iOS 端)"
    policy, _ = import_document(CUTS / "fygt_lettered_sdk_records.txt")
    assert [(s.name, s.provider) for s in policy.sdks] == [
        ("微信开放平台SDK(Android 端、iOS 端)", "深圳市腾讯计算机系统有限公司"),
        ("新浪微博移动 SDK(Android 端、iOS 端)", "北京微梦创科网络技术有限公司")]
    assert "剪贴板信息" in {f.field_as_written for f in policy.flows}


def test_a_service_column_is_the_recipient_where_no_column_names_an_entity():
    # service_column_subprocessors.md: "Service | Purpose | Data Shared | Location", Stripe…Supabase.
    # Before, no column read as a recipient and the import failed.
    policy, _ = import_document(CUTS / "service_column_subprocessors.md")
    got = received(policy)
    assert set(got) == {"Stripe", "Resend", "Google Analytics", "Sentry", "Vercel", "Supabase"}
    assert {f.field_as_written for f in policy.flows if f.recipient == "Resend"} == {"Email address", "name"}
    assert {f.field_as_written for f in policy.flows if f.recipient == "Stripe"} == {"Billing address", "email"}


def test_pipe_rows_without_separator_spanning_cells_padded_at_the_end():
    # pipe_rows_rowspan_sdk_table.txt: 'SDK名称 | SDK厂商 | … | 个人信息类型 | 个人信息字段 | 用途和目的 |'
    # with no |---| line; one SDK whose later rows hold only their last cells ('网络信息 | 必选信息：… |'
    # then '|||'). Before, nothing was imported ("no flows found").
    policy, _ = import_document(CUTS / "pipe_rows_rowspan_sdk_table.txt")
    assert [(s.name, s.provider) for s in policy.sdks] == [("穿山甲广告SDK(com.bytedance)", "北京巨量引擎网络科技有限公司")]
    got = received(policy)
    assert set(got) == {"北京巨量引擎网络科技有限公司"}
    fields = got["北京巨量引擎网络科技有限公司"]
    # both data columns: the type (设备信息) and its fields (IMEI…); the IP row under 网络信息
    assert {"设备信息", "IMEI", "OAID", "网络信息", "Wi-Fi状态", "应用信息", "应用包名", "线性加速度传感器"} <= fields
    assert any("IP地址" in f for f in fields)
    by_line = {f.evidence.line: f for f in policy.flows}
    assert by_line[2].confidence == "high"                 # the first row is read as written
    assert by_line[4].confidence == "low" and "spanning rows" in by_line[4].note
    assert not any("广告投放" in f for f in fields)           # purposes are no data


def test_pipe_rows_whose_last_row_is_cut_keep_its_complete_cells_low():
    # pipe_rows_cut_last_row.txt: the 8-column header and a row cut before '隐私简化声明'
    policy, _ = import_document(CUTS / "pipe_rows_cut_last_row.txt")
    fields = received(policy)["北京巨量引擎网络科技有限公司"]
    assert {"设备信息", "IMEI", "IDFA", "CPU信息"} <= fields
    assert {f.confidence for f in policy.flows} == {"low"}
    assert all("cut off" in f.note for f in policy.flows)


def test_sdk_records_whose_data_cells_need_a_careful_split():
    # three real SDK pages as the search store holds them (corpus_cuts/README.md)
    tingya, _ = import_document(CUTS / "tingya_platform_lead_records.txt")
    got = {f.field_as_written: f.qualifiers for f in tingya.flows}
    assert "IMEI" in got and "Android如IMEI" not in got and "platform: iOS" in got["IDFV"]
    dingtalk, _ = import_document(CUTS / "zconnect_unclosed_parenthesis.txt")
    fields = received(dingtalk)["钉钉科技有限公司"]
    assert {"IMEI", "IMSI", "应用安装列表", "IP地址", "WiFi信息", "基站信息"} <= fields
    assert not any("(" in f or "及其他" in f for f in fields)
    push, _ = import_document(CUTS / "solarman_numbered_inline_items.txt")
    assert received(push)["华为终端有限公司"] >= {"本机设备信息", "IMEI", "MAC地址", "手机型号", "手机屏幕大小参数"}


def test_a_parenthesis_saying_how_is_a_qualifier_not_part_of_the_item():
    # rtfm_how_parentheses.md: "Source code (temporarily)", "Error logs (sensitive data filtered)"
    policy, _ = import_document(CUTS / "rtfm_how_parentheses.md")
    got = {(f.recipient, f.field_as_written): f.qualifiers for f in policy.flows}
    assert got[("Anthropic", "Source code")] == ("temporarily",)
    assert got[("Rollbar", "Error logs")] == ("sensitive data filtered",)
    assert ("GitHub", "repository metadata") in got and ("Hetzner", "All stored data") in got


def test_labels_run_together_on_one_line_split_at_known_labels():
    # labels_on_one_line.txt: 'SDK名称:穿山甲广告SDK 使用目的:广告投放合作 运营方:北京巨量引擎网络科技有限公司 收集个人信息类'
    from registry.readers.records import read_labelled_records

    text = (CUTS / "labels_on_one_line.txt").read_text(encoding="utf-8").splitlines()
    tables, _ = read_labelled_records(list(enumerate(text, 1)))
    assert [h for t in tables for h in t.headers] == ["SDK名称", "使用目的", "运营方"]
    row = tables[0].rows[0]
    assert row.text("sdk_name") == "穿山甲广告SDK" and row.text("purpose") == "广告投放合作"


def test_provider_labels_of_sdk_pages_are_header_synonyms():
    # tingya_platform_lead_records.txt labels its provider 所属公司名称 (data/headers.yaml)
    from registry.readers.records import label_roles

    assert {label_roles(x).get("sdk") for x in ("所属公司名称", "运营方", "提供主体", "公司主体")} == {"provider"}
    policy, _ = import_document(CUTS / "tingya_platform_lead_records.txt")
    assert [(s.name, s.provider) for s in policy.sdks] == [("支付宝SDK", "支付宝(中国)网络技术有限公司")]


def test_a_sub_processor_list_naming_no_data_gives_each_recipient_unitemised_personal_data():
    # subprocessors_without_data.md: 'Sub-Processor | Location | … | Purpose/Services | …', three
    # rows; the page says the sub-processors "may have access to personal data". Before, the
    # import failed: no column reads as data items.
    policy, _ = import_document(CUTS / "subprocessors_without_data.md")
    got = received(policy)
    assert set(got) == {"Amazon Web Services (AWS)", "MongoDB Limited", "DecisionRules a.s"}
    assert all(fields == {"personal data"} for fields in got.values())
    assert {f.confidence for f in policy.flows} == {"low"}
    assert all("no data items" in f.note for f in policy.flows)
    # 'Purpose/Services' says what the vendor does: the purpose, not a product's name
    assert {f.purpose for f in policy.flows if f.recipient == "MongoDB Limited"} == {"Database services and hosting"}
    assert {f.recipient_as_written for f in policy.flows if f.recipient == "MongoDB Limited"} == {"MongoDB Limited"}



def test_one_row_naming_no_data_counts_where_another_header_is_known():
    # one_row_subprocessor_without_data.md: 'Supplier | Function | Geographic Location | Legal basis'
    # and one row, 'Digital Realty + OpenMetal'
    policy, _ = import_document(CUTS / "one_row_subprocessor_without_data.md")
    assert [(f.recipient, f.field_as_written, f.confidence) for f in policy.flows] == [
        ("Digital Realty + OpenMetal", "personal data", "low")]


def test_a_record_in_traditional_script_and_items_followed_by_their_purpose():
    # traditional_script_sdk_record.txt: '第三方公司名稱:神策網絡科技(北京)有限公司', '共享個人信息類型:' and
    # lines '設備標識符(Android ID/IDFA/IDFV/UUID):用于用戶身份識別,…;'. Before, nothing was imported.
    policy, _ = import_document(CUTS / "traditional_script_sdk_record.txt")
    assert [(s.name, s.provider) for s in policy.sdks] == [("神策SDK", "神策網絡科技(北京)有限公司")]
    fields = received(policy)["神策網絡科技(北京)有限公司"]
    assert {"設備標識符", "IDFA", "網絡類型", "IP 地址", "設備型號", "系統版本"} <= fields
    assert not any("用于" in f or "網絡信息(" in f for f in fields)   # purposes are no data
    # each item as written, and the field it names: the vocabulary's words in simplified script
    field = {f.field_as_written: f.field for f in policy.flows}
    assert field["設備型號"] == "设备型号" and field["網絡類型"] == "网络类型" and field["系統版本"] == "操作系统版本"
    assert field["設備標識符"] == "设备标识符" and field["運營商名稱"] == "运营商信息"


def test_a_recipient_named_by_one_character_is_a_guess():
    # a page cut inside its last provider's name: the search store's copy of 粤政易's SDK list
    # ends "提供主体:中" (bench/heldout/gdzwfw_sdk_records); the flow stays, low, the note says why
    from registry.build import _reading
    from registry.normalize import classify_recipient
    from registry.tables import RawRow
    from registry.vocabulary import load_vocabulary

    row = RawRow(line=61, cells={})
    cut = classify_recipient("中", load_vocabulary())[0]
    assert _reading(row, cut)[0] == "low" and "one character" in _reading(row, cut)[1]
    whole = classify_recipient("广东欢太科技有限公司", load_vocabulary())[0]
    assert _reading(row, whole) == ("high", "")


def test_a_word_then_a_spaced_hyphen_qualifies_the_items_after_it():
    # hyphen_qualifier_in_cell.md: 'Device information (Android ID/…/GUID; optional - IMEI/IMSI/ICCID)'
    policy, _ = import_document(CUTS / "hyphen_qualifier_in_cell.md")
    got = {f.field_as_written: f.qualifiers for f in policy.flows}
    assert "optional - IMEI" not in got and got["IMEI"] == ("optional",) and got["ICCID"] == ("optional",)
    assert got["OAID"] == ()


def test_push_sdk_records_name_their_receiver_and_data_in_real_spellings():
    # push_sdk_records.txt (SOLARMAN 小麦商家版): three records, `接收方名称:` the receiver,
    # `共享信息名称:` the data, numbered (1.… 2.… 3.…) in 华为's
    policy, report = import_document(CUTS / "push_sdk_records.txt")
    assert [(s.name, s.provider) for s in policy.sdks] == [
        ("华为PUSH SDK", "华为终端有限公司"), ("VIVO PUSH SDK", "维沃移动通信有限公司"),
        ("小米 PUSH SDK", "小米科技有限责任公司")]
    got = {(f.via, f.field_as_written): f.field for f in policy.flows}
    # the spellings the page uses, each the vocabulary field it means
    assert got[("华为PUSH SDK", "本机设备信息")] == "设备信息"
    assert got[("华为PUSH SDK", "手机屏幕大小参数")] == "屏幕信息"
    assert got[("VIVO PUSH SDK", "正在运行的应用列表")] == "运行中的进程"
    assert got[("小米 PUSH SDK", "正在运行的应用列表")] == "运行中的进程"
    assert {("华为PUSH SDK", "IMEI"), ("华为PUSH SDK", "IMSI"), ("华为PUSH SDK", "MAC地址")} <= set(got)
    assert not report.unresolved_fields


def test_sdk_records_read_their_installed_apps_and_access_point_spellings():
    # sdk_records_permission_words.txt: 支付宝SDK (所属公司名称: 支付宝(中国)网络技术有限公司) and
    # 微信SDK; the data under 个人信息收集范围:
    policy, report = import_document(CUTS / "sdk_records_permission_words.txt")
    assert [s.provider for s in policy.sdks] == ["支付宝(中国)网络技术有限公司", "深圳市腾讯计算机系统有限公司"]
    got = {(f.via, f.field_as_written): f.field for f in policy.flows}
    assert got[("支付宝SDK", "已安装APP信息")] == "应用程序列表"
    assert got[("微信SDK(含微信分享SDK)", "已安装APP信息")] == "应用程序列表"
    assert got[("支付宝SDK", "WLAN接入点")] == "WiFi信息"
    assert got[("支付宝SDK", "SSID")] == "WiFi名称" and got[("支付宝SDK", "BSSID")] == "WiFi BSSID"
    assert got[("微信SDK(含微信分享SDK)", "IMSI信息")] == "IMSI"
    # what is left unresolved are permission words, not data (读写外部存储, 网络访问, 获取WiFi状态…)
    assert set(report.unresolved_fields) == {"读写外部存储", "写入外部存储", "网络访问", "获取WiFi状态"}
    # each stands for the data its permission gives (data/permissions.yaml), marked low, the
    # permission word's own flow kept as written; 网络访问 gives no personal data, so nothing more
    words = {"读写外部存储", "写入外部存储", "网络访问", "获取WiFi状态"}
    implied = {(f.via, f.field): f for f in policy.flows if f.field_as_written in words and f.field not in words}
    assert set(implied) == {
        ("支付宝SDK", "存储文件"), ("支付宝SDK", "照片"),
        ("微信SDK(含微信分享SDK)", "存储文件"), ("微信SDK(含微信分享SDK)", "照片"),
        ("微信SDK(含微信分享SDK)", "WiFi信息"), ("微信SDK(含微信分享SDK)", "WiFi名称"),
        ("微信SDK(含微信分享SDK)", "WiFi BSSID")}
    assert all(f.confidence == "low" and "names a permission" in f.note for f in implied.values())
    assert implied[("支付宝SDK", "照片")].field_as_written == "读写外部存储"
    assert implied[("微信SDK(含微信分享SDK)", "WiFi名称")].recipient == "深圳市腾讯计算机系统有限公司"
    stated = {(f.via, f.field): f for f in policy.flows if (f.via, f.field) not in implied}
    assert {("支付宝SDK", "读写外部存储"), ("微信SDK(含微信分享SDK)", "网络访问")} <= set(stated)
    assert all(f.confidence == "high" for f in stated.values())
    # not a group of those fields: none of them is implied via the word
    assert not any(f.implied_via in words for f in policy.flows)
    assert sum("names a permission" in g for g in report.guesses) == 3  # once per word, not per SDK
    # the import report says what each such word is, not the field names it is "closest" to
    from registry.import_run import report_sections

    lines = [ln.strip() for sec in report_sections(report) for ln in sec.lines if "unresolved field" in ln]
    assert "unresolved field: 网络访问 (a permission: 网络; no personal data)" in lines
    assert "unresolved field: 读写外部存储 (a permission: 存储空间; read as 存储文件, 照片, low)" in lines
    assert not any("closest" in ln for ln in lines)


def test_a_label_value_wrapped_inside_a_parenthesis_goes_on_with_the_next_line():
    # jsx_wrapped_usage_lines.tsx (CoCalc's third-parties page): "usage: email backend
    # (transactional, e.g. welcome, password" / "resets, ...)", then "shared: email address".
    # The wrapped line closes the parenthesis the line before opened: it is no record's title.
    policy, _ = import_document(CUTS / "jsx_wrapped_usage_lines.tsx")
    got = received(policy)
    assert set(got) == {"Sendgrid (twilio)", "Amazon AWS"}
    assert all("email address" in fields for fields in got.values())
    assert not any("resets" in r.name for r in policy.recipients)


def test_a_definition_list_of_subprocessors_names_their_data_in_sentences():
    # rst_definition_list_subprocessors.rst (Read the Docs): "FrontApp, Inc." then, indented,
    # "… Can have access to user data, including user email and IP address, …"
    policy, _ = import_document(CUTS / "rst_definition_list_subprocessors.rst")
    field = {(f.recipient, f.field_as_written): f for f in policy.flows}
    assert field[("FrontApp, Inc.", "user email")].field == "电子邮箱"     # the user's email
    assert field[("FrontApp, Inc.", "IP address")].field == "IP地址"
    assert field[("Intercom, Inc.", "IP address")].field == "IP地址"
    # read from sentences: each flow is low, its note naming the sentence's line
    assert {f.confidence for f in policy.flows} == {"low"}
    assert all("read from a sentence" in f.note for f in policy.flows)
