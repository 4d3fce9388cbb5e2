"""The structured reader: JSON, YAML and JS/TS data files holding lists of disclosure records.

The fixtures in tests/fixtures/import/corpus_cuts/structured/ are cut from three real
documents of shared/corpus and one held-out document of bench/heldout (its README.md
gives the source lines); every expectation
below was written by reading the fixture. Inline snippets are real values from the same
files, rearranged into the shapes a test needs (each says so).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from registry.errors import SourceError
from registry.readers import Document, read_document, sniff_all
from registry.readers import structured as reader
from registry.source import SourceText, read_source

ROOT = Path(__file__).resolve().parent.parent
CUTS = ROOT / "tests" / "fixtures" / "import" / "corpus_cuts" / "structured"
JSON_CUT = CUTS / "deltagreen_subprocessors.json"
YAML_CUT = CUTS / "paymenthood_subprocessors.yml"
TS_CUT = CUTS / "turing_voice_sdk.ts"
TSX_CUT = CUTS / "maxvideoai_subprocessors.tsx"


def doc(path: Path) -> Document:
    return Document(read_source(path))


def text_doc(name: str, text: str) -> Document:
    return Document(SourceText(name, name, text, "utf-8", ""))


def rows_by(table, role):
    return {r.text(role): r for r in table.rows}


# -- JSON: deltagreen_subprocessors.json ---------------------------------------------------

def test_json_items_array_is_a_sharing_list():
    d = doc(JSON_CUT)
    assert reader.sniff(d) == reader.SCORE
    found = reader.read(d)
    assert len(found.tables) == 1
    t = found.tables[0]
    assert t.kind == "sharing" and t.layout == "structured" and t.line == 4
    assert t.headers == ["name", "purpose", "dataCategories", "location", "transferMechanism"]
    by = rows_by(t, "recipient")
    assert list(by) == ["Amazon Web Services (AWS)", "Google Workspace", "HubSpot", "Stripe"]
    # a list value is one cell with an item per element, each on the line it is written
    assert by["Amazon Web Services (AWS)"].cells["data"].items == (
        (5, "Platform data"), (5, "Customer data"), (5, "Telemetry"))
    assert by["Stripe"].cells["data"].items == ((8, "Billing data"), (8, "Contact data"))
    assert by["HubSpot"].text("purpose") == "CRM & marketing automation"
    # keys that play no role are kept as attributes
    assert by["HubSpot"].extras["transferMechanism"].text == "SCCs (EU Standard Contractual Clauses)"
    # the page-level values (lastUpdated, notificationEmail) are not columns of the records
    assert all("notificationEmail" not in r.extras for r in t.rows)


def test_json_through_the_importer(tmp_path):
    out = tmp_path / "r.json"
    run = _cli("import", str(JSON_CUT), "-o", str(out))
    assert run.returncode == 0, run.stderr
    rows = json.loads(_cli("who-receives", "Contact data", "--registry", str(out), "--json").stdout)
    assert sorted({r["recipient"] for r in rows}) == ["Google Workspace", "HubSpot", "Stripe"]
    stripe = next(r for r in rows if r["recipient"] == "Stripe")
    assert stripe["evidence"]["line"] == 8
    rows = json.loads(_cli("who-receives", "Telemetry", "--registry", str(out), "--json").stdout)
    assert {r["recipient"] for r in rows} == {"Amazon Web Services (AWS)"}


def test_broken_json_is_one_line_with_its_line(tmp_path):
    bad = tmp_path / "subprocessors.json"
    # the cut's first lines with the comma after "lastUpdated" lost
    bad.write_text('{\n  "lastUpdated": "2025-04-01"\n  "notificationEmail": "privacy@deltagreen.energy"\n}\n',
                   encoding="utf-8")
    with pytest.raises(SourceError) as e:
        reader.sniff(doc(bad))
    assert str(e.value) == f"{bad}:3: not valid JSON: Expecting ',' delimiter (column 3)"
    run = _cli("import", str(bad), "-o", str(tmp_path / "r.json"))
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [f"error: {bad}:3: not valid JSON: Expecting ',' delimiter (column 3)"]
    assert not (tmp_path / "r.json").exists()


def test_text_that_only_starts_like_json_is_passed_over():
    d = text_doc("notes.txt", "[第三方SDK目录]\n微信SDK：深圳市腾讯计算机系统有限公司\n")
    assert reader.sniff(d) == 0.0


# -- YAML: paymenthood_subprocessors.yml ---------------------------------------------------

def test_yaml_list_of_mappings_is_a_sharing_list():
    d = doc(YAML_CUT)
    assert reader.sniff(d) == reader.SCORE
    (t,) = reader.read(d).tables
    assert t.kind == "sharing" and t.line == 10
    names = [r.text("recipient") for r in t.rows]
    assert names == ["Microsoft Corporation", "Microsoft Corporation", "Fastbots", "Your chosen payment providers"]
    azure, clarity, fastbots, providers = t.rows
    # the service a legal entity provides: the name a reader knows the recipient by
    assert [r.text("service") for r in t.rows] == [
        "Microsoft Azure", "Microsoft Clarity", "Fastbots chat widget", "Payment processing"]
    assert azure.line == 10 and azure.cells["recipient"].items == ((10, "Microsoft Corporation"),)
    # the data is a prose sentence: one item, on its own line, split later by the builder
    assert clarity.cells["data"].items == (
        (22, "Website usage, pages viewed, clicks, approximate location from IP, session recordings."),)
    assert providers.cells["data"].line == 37
    # keys with no role stay as attributes, the note among them
    assert fastbots.extras["note"].text.startswith("Fastbots uses OpenAI to generate responses")
    assert fastbots.extras["role"].text == "processor"


def test_broken_yaml_is_one_line_with_its_line(tmp_path):
    bad = tmp_path / "subprocessors.yml"
    lines = YAML_CUT.read_text(encoding="utf-8").splitlines()
    lines[12] = lines[12].replace("purpose: ", "purpose: [")  # an unclosed flow sequence on line 13
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as e:
        reader.read(doc(bad))
    msg = str(e.value)
    assert msg.startswith(f"{bad}:14: not valid YAML: ") and "\n" not in msg


def test_yaml_alias_bomb_is_refused(tmp_path):
    levels = ['a: &a ["Account data", "audit logs"]']
    for n, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[n]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    bomb = tmp_path / "bomb.yml"
    bomb.write_text("\n".join(levels) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"aliases expand too far"):
        reader.sniff(doc(bomb))


def test_yaml_is_loaded_safely(tmp_path):
    # a python tag is a plain tagged value to the safe loader: nothing is constructed or run
    f = tmp_path / "x.yml"
    marker = tmp_path / "ran"
    f.write_text(f"- name: !!python/object/apply:os.system ['touch {marker}']\n  data: audit logs\n",
                 encoding="utf-8")
    reader.read(doc(f))
    assert not marker.exists()


def test_registry_as_code_yaml_is_left_to_its_reader():
    d = doc(ROOT / "tests" / "fixtures" / "import" / "news.yaml")
    assert reader.sniff(d) == 0.0
    assert reader.read(d).tables == []


# -- TypeScript: turing_voice_sdk.ts -------------------------------------------------------

def test_ts_object_literal_label_value_pairs_make_sdk_records():
    d = doc(TS_CUT)
    assert reader.sniff(d) == reader.SCORE
    ios, android = reader.read(d).tables
    assert (ios.kind, ios.line, android.kind, android.line) == ("sdk", 3, "sdk", 63)
    # the title key and the labels of the {name, value} pairs are the columns
    assert ios.headers == ["tit", "第三方机构名称", "第三方SDK使用信息", "申请的系统权限", "使用场景", "共享方式", "SDK隐私政策"]
    assert ios.roles == ["sdk_name", "provider", "data", None, "need", None, "policy_url"]
    wechat, mobile = ios.rows
    assert wechat.cells["sdk_name"].items == ((5, "微信SDK"),)
    assert wechat.cells["provider"].items == ((9, "深圳市腾讯计算机系统有限公司"),)
    assert wechat.cells["data"].items == ((13, "网络权限，唯一设备识别码（IDFA）"),)
    assert mobile.text("provider") == "中移互联网有限公司"
    assert mobile.text("data") == "唯一设备识别码 （IDFA）、本机号码"
    # platform keys become an attribute; labels with no role stay as attributes
    assert wechat.extras["platform"].items == ((3, "ios"),)
    assert wechat.extras["申请的系统权限"].text == "网络权限"
    weibo, baidu = android.rows
    assert weibo.extras["platform"].text == "android"
    # a value wrapped onto the line after its key keeps the line where its text starts
    assert weibo.cells["data"].line == 74
    assert weibo.cells["data"].text.startswith("终端设备唯一标识符（IDFV、OAID、IMEI、MEID、IMSI)")
    assert baidu.cells["policy_url"].line == 121


def test_ts_through_the_importer(tmp_path):
    out = tmp_path / "r.json"
    run = _cli("import", str(TS_CUT), "-o", str(out))
    assert run.returncode == 0, run.stderr
    rows = json.loads(_cli("who-receives", "本机号码", "--registry", str(out), "--json").stdout)
    stated = [r for r in rows if r["confidence"] == "high"]
    assert {(r["recipient"], r["sdk"]) for r in stated} == {("中移互联网有限公司", "移动一键登录")}
    # 百度 oCPX's data cell (line 103) names a permission, 获取手机状态和身份 (READ_PHONE_STATE),
    # which gives the phone number and the device ids: read so, low, the note saying why
    guessed = [r for r in rows if r["confidence"] != "high"]
    assert {(r["recipient"], r["sdk"], r["field_as_written"]) for r in guessed} == {
        ("北京百度网讯科技有限公司", "百度 oCPX 转化追踪应用 SDK", "获取手机状态和身份")}
    assert all("names a permission" in r["note"] for r in guessed)
    rows = json.loads(_cli("who-receives", "MEID", "--registry", str(out), "--json").stdout)
    stated = [r for r in rows if r["confidence"] == "high"]
    assert {r["recipient"] for r in stated} == {"北京微梦创科网络技术有限公司"}
    assert {r["evidence"]["line"] for r in stated} == {74}
    assert {r["recipient"] for r in rows if r not in stated} == {"北京百度网讯科技有限公司"}


def test_ts_in_a_vue_page_script_is_read_without_the_template():
    # the cut's iOS WeChat entry (lines 2-32) as the data of a Vue single-file component
    body = TS_CUT.read_text(encoding="utf-8").splitlines()[1:32]
    page = ("<template>\n  <div v-for=\"s in list\">{{ s.tit }} — it's {{ s.list[0].value }}</div>\n</template>\n"
            "<script setup lang=\"ts\">\n" + "\n".join(body) + "\n  ],\n};\n</script>\n")
    found = reader.read(text_doc("third-party.vue", page))
    (t,) = found.tables
    assert t.kind == "sdk"
    assert t.rows[0].cells["sdk_name"].items == ((8, "微信SDK"),)  # 4 lines of template above
    assert t.rows[0].text("provider") == "深圳市腾讯计算机系统有限公司"


def test_js_code_around_the_data_is_skipped_not_run():
    # the cut's values inside page code: a method, a call, a spread and a regular expression
    js = (
        "import { t } from './i18n';\n"
        "export default {\n"
        "  name: 'ThirdParty',\n"
        "  data() {\n"
        "    const re = /['\"]/g;\n"
        "    return {\n"
        "      title: t('third.title'),\n"
        "      sdkList: [\n"
        "        { ...base, sdk: '微信SDK', provider: '深圳市腾讯计算机系统有限公司',\n"
        "          collected: ['网络权限', '唯一设备识别码（IDFA）'], onClick: () => open(url) },\n"
        "        { sdk: '移动一键登录', provider: '中移互联网有限公司', collected: ['本机号码'] },\n"
        "      ],\n"
        "    };\n"
        "  },\n"
        "};\n"
    )
    (t,) = reader.read(text_doc("ThirdParty.js", js)).tables
    assert t.kind == "sdk"
    assert [r.text("sdk_name") for r in t.rows] == ["微信SDK", "移动一键登录"]
    assert t.rows[0].cells["data"].items == ((10, "网络权限"), (10, "唯一设备识别码（IDFA）"))
    assert t.rows[1].cells["provider"].line == 11
    assert "onClick" not in t.rows[0].extras


def test_two_key_records_are_records_not_label_pairs():
    # deltagreen's names and data as {name, data} objects: the keys are the headers
    js = ("export const list = [\n"
          "  { name: 'HubSpot', data: 'Contact data, Company data' },\n"
          "  { name: 'Stripe', data: 'Billing data, Contact data' },\n"
          "];\n")
    (t,) = reader.read(text_doc("list.ts", js)).tables
    assert [r.text("recipient") for r in t.rows] == ["HubSpot", "Stripe"]


def test_keyed_records_take_their_key_as_title():
    # deltagreen's entries keyed by name, as YAML data files often are
    y = ("HubSpot:\n  purpose: CRM & marketing automation\n  dataCategories: [Contact data, Company data]\n"
         "Stripe:\n  purpose: Payment processing\n  dataCategories: [Billing data, Contact data]\n")
    (t,) = reader.read(text_doc("subprocessors.yaml", y)).tables
    assert t.headers[0] == reader.TITLE
    assert [(r.text("recipient"), r.cells["recipient"].line) for r in t.rows] == [("HubSpot", 1), ("Stripe", 4)]
    assert t.rows[1].cells["data"].items == ((6, "Billing data"), (6, "Contact data"))


def test_truncated_ts_keeps_the_closed_records_and_says_where(tmp_path):
    lines = TS_CUT.read_text(encoding="utf-8").splitlines()
    cut = tmp_path / "truncated.ts"
    cut.write_text("\n".join(lines[:64]) + "\n      tit: '微博 SDK\n", encoding="utf-8")  # line 65 unterminated
    found = reader.read(doc(cut))
    assert [r.text("sdk_name") for t in found.tables for r in t.rows] == ["微信SDK", "移动一键登录"]
    assert found.notes[0] == "line 65: unterminated string literal; the rest of the code was not read"
    assert any("never closed" in n for n in found.notes)


def test_deeply_nested_literal_is_refused():
    with pytest.raises(SourceError, match=r"deep.ts:1: literals nested deeper than 200 levels"):
        reader.read(text_doc("deep.ts", "export default " + "[" * 500 + "]" * 500 + ";\n"))


def test_js_without_data_finds_nothing():
    d = text_doc("util.ts", "export function sum(a: number, b: number) { return a + b; }\n")
    assert reader.sniff(d) == 0.0
    assert reader.read(d).saw == "js data without a list of records"


def test_read_document_prefers_the_structured_reading():
    reading = read_document(read_source(TS_CUT))
    assert reading.readers[0] == "structured"
    assert sum(len(t.rows) for t in reading.tables if t.layout == "structured") == 4
    assert sniff_all(doc(TS_CUT))[0][1] == "structured"


# -- TSX page with typed data: maxvideoai_subprocessors.tsx -----------------------------------

def test_tsx_typed_lists_are_read_without_types_labels_or_code():
    found = reader.read(doc(TSX_CUT))
    en, fr = found.tables
    assert (en.line, fr.line) == (82, 102)
    assert en.headers == ["provider", "service", "location", "data"]
    assert [r.text("recipient") for r in en.rows] == [
        "Stripe Payments Europe, Ltd.", "Neon (Neon, Inc.)", "Resend, Inc."]
    # the value is the literal's text, without its quotes, and ends where the literal ends:
    # generateMetadata() below the last row is code, not more of its data
    assert en.rows[2].cells["data"].items == ((99, "Email addresses, template variables, delivery metadata"),)
    assert fr.rows[1].cells["data"].items == (
        (113, "Adresses e-mail, variables de template, métadonnées de délivrabilité"),)
    # `type Subprocessor = { provider: string; … }` and the annotations are types, not records;
    # PAGE_COPY's `columns` (Provider, Primary location, Data processed) are column labels
    texts = {c.text for t in found.tables for r in t.rows for c in (*r.cells.values(), *r.extras.values())}
    assert not texts & {"string", "Provider", "Prestataire", "Proveedor", "Data processed", "legalSubprocessors"}
    assert "line 48: 'columns' holds the labels of columns, not a record's values; left out" in found.notes


def test_tsx_module_is_read_as_data_not_as_labelled_lines(tmp_path):
    # read as text, `provider: 'Resend, Inc.',` is a label with a quoted value and the type's
    # `provider: string;` a record; the parse of the module is its only reading
    reading = read_document(read_source(TSX_CUT))
    assert reading.readers == ["structured"]
    assert [t.line for t in reading.tables] == [82, 102]
    out = tmp_path / "r.json"
    run = _cli("import", str(TSX_CUT), "-o", str(out))
    assert run.returncode == 0, run.stderr
    rows = json.loads(_cli("who-receives", "Email addresses", "--registry", str(out), "--json").stdout)
    assert {r["recipient"] for r in rows} == {"Resend, Inc."}
    assert 99 in {r["evidence"]["line"] for r in rows}
    run = _cli("who-receives", "string", "--registry", str(out), "--json")
    assert run.returncode != 0 and "unknown field 'string'" in run.stderr


def test_string_literals_lose_their_quotes_whatever_the_quote_style():
    # the cut's Resend and Supabase rows, written with each kind of quote a JS file uses
    js = ("export const rows = [\n"
          "  { provider: \"Resend, Inc.\", data: 'Email addresses, template variables' },\n"
          "  { provider: `Supabase`, data: `Account credentials, email, auth logs` },\n"
          "  { provider: 'Neon (Neon, Inc.)', data: `${prefix}, consent ledger` },\n"
          "];\n")
    (t,) = reader.read(text_doc("rows.ts", js)).tables
    assert [(r.text("recipient"), r.text("data")) for r in t.rows] == [
        ("Resend, Inc.", "Email addresses, template variables"),
        ("Supabase", "Account credentials, email, auth logs"),
        ("Neon (Neon, Inc.)", "")]  # a template with a substitution is code: its value is not known


def test_type_declarations_and_type_literals_are_not_records():
    # the cut's Subprocessor type with literal types in place of `string`, as an interface and a type
    ts = ("interface Subprocessor {\n"
          "  provider: 'Stripe Payments Europe, Ltd.' | 'Supabase';\n"
          "  data: 'Billing metadata';\n"
          "}\n"
          "type Rows = [{ provider: 'Supabase', data: 'auth logs' }, { provider: 'Neon', data: 'receipts' }];\n"
          "type Row = { provider: 'Resend, Inc.'; data: 'Email addresses' }\n"
          "const SUBPROCESSORS: Array<{ provider: 'Supabase', data: 'email' }> = [\n"
          "  { provider: 'Supabase', data: 'Account credentials, email, auth logs' },\n"
          "  { provider: 'Resend, Inc.' as const, data: 'Email addresses' satisfies string },\n"
          "];\n")
    (t,) = reader.read(text_doc("types.ts", ts)).tables
    assert t.line == 7
    assert [(r.line, r.text("recipient"), r.text("data")) for r in t.rows] == [
        (8, "Supabase", "Account credentials, email, auth logs"),
        (9, "Resend, Inc.", "Email addresses")]


def test_column_labels_and_their_translations_are_no_records():
    # PAGE_COPY's `columns` of the cut (lines 48-53, 61-66) keyed by locale, then a list whose
    # first element labels the columns of the cut's rows
    ts = ("export const COLUMNS = {\n"
          "  en: { provider: 'Provider', location: 'Primary location', data: 'Data processed' },\n"
          "  fr: { provider: 'Prestataire', location: 'Localisation principale', data: 'Données traitées' },\n"
          "};\n"
          "export const ROWS = [\n"
          "  { provider: 'Provider', location: 'Primary location', data: 'Data processed' },\n"
          "  { provider: 'Supabase', location: 'EU (Paris)', data: 'Account credentials, email, auth logs' },\n"
          "  { provider: 'Vercel Inc.', location: 'Global (USA/EU edges)', data: 'Application content, logs' },\n"
          "];\n")
    found = reader.read(text_doc("columns.ts", ts))
    (t,) = found.tables
    assert [r.text("recipient") for r in t.rows] == ["Supabase", "Vercel Inc."]
    assert [n for n in found.notes if "header row" in n] == [
        "line 2: a header row (the labels of columns), not a record; left out",
        "line 3: a header row (the labels of columns), not a record; left out",
        "line 6: a header row (the labels of columns), not a record; left out"]


def test_a_record_naming_companies_is_no_header_row():
    # a row of the cut whose location is a header word ('Global') stays a record
    ts = ("export const ROWS = [\n"
          "  { provider: 'Stripe Payments Europe, Ltd.', location: 'Global', data: 'wallet transactions' },\n"
          "  { provider: 'Vercel Inc.', location: 'Location', data: 'Data processed' },\n"
          "];\n")
    (t,) = reader.read(text_doc("rows.ts", ts)).tables
    assert [r.text("recipient") for r in t.rows] == ["Stripe Payments Europe, Ltd.", "Vercel Inc."]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
