"""Per recipient record (issue 14, "The auditor's report"): contact, relationship, legal-basis
hints and cross-border, read at import, kept in the registry, returned by
lineage.records.recipient_record with the policy's own words and line.

Every fixture below is cut from a real document: the seed (data/seed_policy.txt) or
/work/shared/corpus/*/source.* (copied here, so the test runs without shared/), each with the
file and lines it came from; line numbers asserted are those of the fixture as written here.
Every expectation was written by reading those lines.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from lineage.graph import build_graph
from lineage.records import recipient_record, record_lines
from registry import SEED_PATH, import_document, load_registry, open_registry, save_registry
from registry.database import open_database, writer
from registry.errors import UnknownNameError, VocabularyError
from registry.model import Registry
from registry.recipient_facts import load_words


@pytest.fixture(scope="module")
def seed() -> Registry:
    policy, _ = import_document(SEED_PATH)
    reg = Registry()
    reg.add(policy)
    return reg


def _import(tmp_path: Path, name: str, text: str) -> Registry:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    policy, _ = import_document(path)
    reg = Registry()
    reg.add(policy)
    return reg


def _lines(entry: dict) -> list[int]:
    return [e["line"] for e in entry["evidence"]]


# -- the seed --------------------------------------------------------------------------------

def test_seed_contact_comes_from_the_sdk_tables_feedback_column_with_its_line(seed):
    # seed lines 775-800: the SDK table's columns are SDK名称 / 提供者名称 / 沟通反馈渠道 / …;
    # 旷视人脸识别 SDK's 沟通反馈渠道 cell is line 892: "400-6700-866"
    rec = recipient_record(seed, "北京旷视科技有限公司")
    assert rec["contact"]["value"] == "400-6700-866"
    assert rec["contact"]["evidence"][0]["line"] == 892
    assert rec["contact"]["evidence"][0]["text"] == "400-6700-866"
    assert rec["contact"]["confidence"] == "high"


def test_seed_sharing_list_says_no_role_so_the_relationship_is_a_low_guess_from_its_title(seed):
    # seed line 2117: "附录：《与第三方共享个人信息清单》"; the list (lines 2120-2502) has no column
    # for the role, and no sentence names 百行征信's role: the title is all there is
    rec = recipient_record(seed, "百行征信有限公司")
    rel = rec["relationship"]
    assert rel["value"] == "independent" and rel["confidence"] == "low"
    assert rel["evidence"][0]["line"] == 2117 and rel["evidence"][0]["form"] == "list"
    assert "共享" in rel["note"] and "does not say" in rel["note"]
    assert rec["contact"] is None  # the sharing list has no contact column; 百行 is in no SDK row
    assert rec["legal_basis"] is None  # nothing in the policy gives a basis for 百行 by name


def test_seed_onward_processors_are_entrusted_as_their_name_says(seed):
    # seed line 2390: "广西广木资产管理有限公司、广西嘉数信息科技有限公司及其委托的外包服务机构"
    rec = recipient_record(seed, "广西广木资产管理有限公司委托的外包服务机构")
    rel = rec["relationship"]
    assert (rel["value"], rel["confidence"]) == ("processor", "high")
    first = rel["evidence"][0]
    assert (first["form"], first["line"]) == ("name", 2390)
    assert "广西广木资产管理有限公司" in first["note"]
    # the entruster itself is named on the same line, but is no processor for it
    base = recipient_record(seed, "广西广木资产管理有限公司")
    assert base["relationship"]["value"] == "independent"


def test_seed_cross_border_is_the_documents_statement_low_and_the_hedged_future_is_left_out(seed):
    # seed line 1949: "…个人信息存储在中华人民共和国境内，您的个人信息目前不会发生跨境传输的情况。如未来
    # 为处理跨境业务，且确实需要向境外传输您的个人信息的，…保障境外接收方…"
    rec = recipient_record(seed, "高德软件有限公司")
    cb = rec["cross_border"]
    assert (cb["value"], cb["confidence"]) == ("no", "low")
    assert _lines(cb) == [1949]
    assert "不会发生跨境传输" in cb["evidence"][0]["text"]
    assert "not of this recipient by name" in cb["note"]


def test_seed_sdk_only_provider_has_no_relationship(seed):
    # 网易易盾 (杭州朗和科技有限公司) is in the SDK table only (line 1145); the SDK section
    # (line 764) speaks of agreements with providers, never of their role
    rec = recipient_record(seed, "杭州朗和科技有限公司")
    assert rec["relationship"] is None and rec["legal_basis"] is None
    assert rec["contact"]["value"] == "Privacy@service.netease.com"


def test_a_part_of_a_name_resolves_and_an_unknown_name_is_an_error(seed):
    rec = recipient_record(seed, "百行征信")
    assert rec["recipient"] == "百行征信有限公司" and rec["resolved"] == {"百行征信": "百行征信有限公司"}
    with pytest.raises(UnknownNameError):
        recipient_record(seed, "没有这个公司")


def test_record_lines_say_not_stated_where_the_policy_is_silent(seed):
    lines = dict(record_lines(recipient_record(seed, "百行征信有限公司")))
    assert lines["contact"] == "not stated" and lines["legal basis"] == "not stated"
    assert lines["relationship"].startswith("independent handler") and "low" in lines["relationship"]
    assert "(line 2117)" in lines["relationship"]


# -- English sub-processor lists ----------------------------------------------------------

# /work/shared/corpus/bento_subprocessors/source.md lines 20-25 and 34
BENTO = """## Current subprocessors

| Service provider | Purpose | Customer data involved | Region | Notes |
| --- | --- | --- | --- | --- |
| Amazon Web Services (AWS) | Core cloud infrastructure and storage | Account data, contact data, event data, message metadata, application logs | United States | Primary infrastructure provider |
| Hetzner | Self-hosted mail transfer infrastructure | Recipient email address, message headers, routing metadata, delivery logs | European Union | Used for self-hosted MTA and related mail infrastructure |
"""


def test_sub_processor_list_heading_and_region_column(tmp_path):
    reg = _import(tmp_path, "bento.md", BENTO)
    aws = recipient_record(reg, "Amazon Web Services (AWS)")
    assert aws["relationship"]["value"] == "processor"
    assert aws["relationship"]["evidence"][0]["text"] == "## Current subprocessors"
    assert aws["relationship"]["evidence"][0]["form"] == "list"
    assert aws["cross_border"]["value"] == "location"
    assert aws["cross_border"]["where"] == "United States"
    assert _lines(aws["cross_border"]) == [5]
    assert recipient_record(reg, "Hetzner")["cross_border"]["where"] == "European Union"
    assert aws["contact"] is None and aws["legal_basis"] is None


# /work/shared/corpus/baton_subprocessors/source.md lines 18-26 (rows of Atlassian and Oskfel)
BATON = """## Current sub-processors

| Sub-processor | Role / Purpose | Typical Processing Location(s) | Example Data Processed | Notes |
|---|---|---|---|---|
| **Atlassian (Jira Cloud)** | Ticketing for support/bug tracking | EU/UK data residency where available; limited global support access possible | Ticket metadata; **redacted** screenshots/log excerpts (Baton policy prohibits uploading raw datasets or unnecessary personal data) | Access restricted; DP terms in place; SCCs/UK IDTA as applicable; short retention for attachments. |
| **Oskfel Software Limited** | Development & support services for Baton | United Kingdom and remote engineering locations, including outside the UK/EEA | Limited access to Client Data as necessary for support and engineering | Access controlled; SCCs/IDTA and confidentiality obligations in place. |
"""


def test_transfer_words_in_a_notes_cell_and_a_hedge_makes_them_low(tmp_path):
    reg = _import(tmp_path, "baton.md", BATON)
    jira = recipient_record(reg, "Atlassian (Jira Cloud)")["cross_border"]
    assert (jira["value"], jira["confidence"]) == ("yes", "low")
    assert "as applicable" in jira["note"]
    assert jira["where"].startswith("EU/UK data residency")
    oskfel = recipient_record(reg, "Oskfel Software Limited")["cross_border"]
    assert (oskfel["value"], oskfel["confidence"]) == ("yes", "high")
    assert oskfel["evidence"][0]["matched"] == "outside the UK"


# /work/shared/corpus/deltagreen_subprocessors_json/source.json lines 1-5, 7 and 11-12
DELTAGREEN = """{
  "lastUpdated": "2025-04-01",
  "notificationEmail": "privacy@deltagreen.energy",
  "items": [
    {"name": "Amazon Web Services (AWS)", "purpose": "Cloud infrastructure & hosting", "dataCategories": ["Platform data", "Customer data", "Telemetry"], "location": "EU (Frankfurt, Ireland)", "transferMechanism": "EEA hosting — no transfer"},
    {"name": "HubSpot", "purpose": "CRM & marketing automation", "dataCategories": ["Contact data", "Company data"], "location": "USA", "transferMechanism": "SCCs (EU Standard Contractual Clauses)"}
  ]
}
"""


def test_transfer_mechanism_column_says_yes_or_no_and_the_location_is_kept(tmp_path):
    reg = _import(tmp_path, "deltagreen.json", DELTAGREEN)
    aws = recipient_record(reg, "Amazon Web Services (AWS)")["cross_border"]
    assert (aws["value"], aws["where"]) == ("no", "EU (Frankfurt, Ireland)")
    assert [(e["label"], e["value"]) for e in aws["evidence"]] == [("location", "location"), ("transferMechanism", "no")]
    hub = recipient_record(reg, "HubSpot")
    assert (hub["cross_border"]["value"], hub["cross_border"]["where"]) == ("yes", "USA")
    assert _lines(hub["cross_border"]) == [6, 6]
    # the file never calls them sub-processors: no relationship is made up
    assert hub["relationship"] is None


# /work/shared/corpus/paymenthood_subprocessors/source.yml lines 1, 11-12, 17-24, 74-81
PAYMENTHOOD = """# Sub-processor register, rendered by /sub-processors/.
# role: "processor"            - acts on our instructions (Art. 28)
#       "independent"          - independent controller; listed for transparency
subprocessors:
  - name: Microsoft Corporation
    service: Microsoft Azure
    role: processor
    purpose: Cloud hosting for the PaymentHood platform, and retention of audit and webhook delivery logs.
    data: Account data, payment metadata and tokens, audit logs. No cardholder data.
    location: West US (California, United States)
    dpa: https://www.microsoft.com/licensing/docs/view/Microsoft-Products-and-Services-Data-Protection-Addendum-DPA

  - name: Your chosen payment providers
    service: Payment processing
    role: independent
    purpose: Processing the payments you route to them. You choose and connect each provider, and your agreement is directly with them.
    data: Cardholder data, which the provider collects directly from your customer. PaymentHood never receives it.
    location: Varies by provider
    dpa: See the agreement with each provider you enable
"""


def test_a_role_column_outranks_what_the_list_is_called(tmp_path):
    reg = _import(tmp_path, "paymenthood.yml", PAYMENTHOOD)
    ms = recipient_record(reg, "Microsoft Corporation")
    assert (ms["relationship"]["value"], ms["relationship"]["confidence"]) == ("processor", "high")
    assert ms["relationship"]["evidence"][0]["label"] == "role"
    assert ms["relationship"]["evidence"][0]["line"] == 7
    assert ms["cross_border"]["where"] == "West US (California, United States)"
    pay = recipient_record(reg, "Your chosen payment providers")["relationship"]
    assert pay["value"] == "independent" and pay["evidence"][0]["line"] == 15
    # the register's key calls every entry a sub-processor (line 4); its own row says otherwise
    assert "less sure statements say otherwise: processor (list, line 4)" in pay["note"]


# /work/shared/corpus/acuity_subprocessors/source.md lines 38-40 (the posture) and 60-86
ACUITY = """  As of this revision we cite DPF as supplementary for **Google,
  Meta, and Apple** (verified). **Anthropic is confirmed NOT
  DPF-certified** and relies on SCCs + UK IDTA. The DPF status of

## Active subprocessors

### 2. Anthropic

| Field | Detail |
|---|---|
| Service | Claude API (AI extraction, weekly reports, Life Audits) |
| Personal data processed | Transcript text + prompt context |
| Retention by subprocessor | Per Anthropic Commercial Terms — no training on API inputs |
| Country of processing | United States |
| DPA | https://www.anthropic.com/legal/dpa |
| SCCs / IDTA | Included in DPA — operative transfer basis |
| DPF self-certification | No — confirmed NOT certified; relies on SCCs + UK IDTA |
"""


def test_labelled_records_and_a_sentence_naming_the_recipient(tmp_path):
    reg = _import(tmp_path, "acuity.md", ACUITY)
    rec = recipient_record(reg, "Anthropic")
    cb = rec["cross_border"]
    assert (cb["value"], cb["where"]) == ("yes", "United States")
    forms = {(e["form"], e["line"], e["value"]) for e in cb["evidence"]}
    assert {("column", 14, "location"), ("column", 16, "yes"), ("column", 17, "yes")} <= forms
    # lines 2-3, one sentence wrapped over two lines, names Anthropic and its transfer basis
    assert ("sentence", 2, "yes") in forms
    said = next(e for e in cb["evidence"] if e["form"] == "sentence")
    assert said["text"] == "**Anthropic is confirmed NOT DPF-certified** and relies on SCCs + UK IDTA"
    assert rec["relationship"]["value"] == "processor"
    assert rec["relationship"]["evidence"][0]["text"] == "## Active subprocessors"


# -- Chinese lists -----------------------------------------------------------------------

# /work/shared/corpus/xunfeng_share_list/source.txt lines 2-5
XUNFENG = """附件一:《第三方个人信息共享清单》
序号 | 第三方名称 | 共享场景 | 个人信息共享目的 | 共享个人信息类型 | 共享个人信息方式 | 第三方隐私政策链接 |
---|---|---|---|---|---|---|
1 | 商家 | 购买三方商品 | 为“巽风集市”商品交易目的 | 收货信息 | 后台接口传输 | 您可以通过巽风平台页面公示的商家/线下行权门店联系信息行使您的个人信息权益 |
"""


def test_a_cell_that_points_to_a_published_contact_is_a_low_contact(tmp_path):
    reg = _import(tmp_path, "xunfeng.txt", XUNFENG)
    rec = recipient_record(reg, "商家")
    c = rec["contact"]
    assert c["confidence"] == "low" and "published" in c["note"]
    assert c["evidence"][0]["label"] == "第三方隐私政策链接" and c["evidence"][0]["line"] == 4
    assert rec["relationship"]["value"] == "independent" and rec["relationship"]["confidence"] == "low"
    assert rec["cross_border"] is None  # the excerpt says nothing of where data goes


# /work/shared/corpus/vivo_browser/source.md lines 154 and 172-180
VIVO = """我们在中国境内收集和产生的您的个人信息将储存于中国境内。如未来部分服务涉及跨境业务，需要向境外机构传输您的个人信息的，我们会按照法律法规和相关监管部门的规定执行，事先开展安全评估，向您告知出境的目的、涉及的个人信息类型、接收方的身份和数据安全能力及可能存在的安全风险且征得您的同意，并通过签订协议、监督核查、安全审计等有效措施明确各方义务和责任，要求境外机构为所获得的个人信息保密。

①微信开放平台SDK

主体名称：腾讯科技（深圳）有限公司

使用目的：支持微信分享

数据类型：设备信息

官网链接：https://privacy.qq.com/document/priview/bdf936b2477a45ff86da57e3d988bc2b
"""


def test_document_statement_is_low_and_the_future_transfer_is_no_fact(tmp_path):
    reg = _import(tmp_path, "vivo.md", VIVO)
    rec = recipient_record(reg, "腾讯科技（深圳）有限公司")
    cb = rec["cross_border"]
    assert (cb["value"], cb["confidence"]) == ("no", "low")
    assert [e["text"] for e in cb["evidence"]] == ["我们在中国境内收集和产生的您的个人信息将储存于中国境内"]
    # "征得您的同意" stands in the hedged future-transfer sentence, which names no recipient
    assert rec["legal_basis"] is None and rec["relationship"] is None and rec["contact"] is None


# -- the registry keeps them ---------------------------------------------------------------

def test_facts_survive_the_database_and_the_json_file(tmp_path, seed):
    db = tmp_path / "r.db"
    with writer(db) as w:
        w.put(seed.policies["你我贷"])
    back = open_database(db)
    assert back.policies["你我贷"].recipients == seed.policies["你我贷"].recipients
    out = tmp_path / "r.json"
    save_registry(seed, out)
    assert load_registry(out).policies["你我贷"].recipients == seed.policies["你我贷"].recipients
    assert recipient_record(back, "北京旷视科技有限公司") == recipient_record(seed, "北京旷视科技有限公司")


def test_a_json_file_without_facts_still_loads_and_keeps_its_contact(tmp_path, seed):
    out = tmp_path / "old.json"
    save_registry(seed, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    for r in data["policies"][0]["recipients"]:
        r.pop("facts", None)
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rec = recipient_record(load_registry(out), "北京旷视科技有限公司")
    assert rec["contact"]["value"] == "400-6700-866" and rec["contact"]["evidence"][0]["line"] == 0
    assert rec["relationship"] is None


def test_a_version_1_database_gets_the_facts_column(tmp_path, seed):
    db = tmp_path / "v1.db"
    with writer(db) as w:
        w.put(seed.policies["你我贷"])
    con = sqlite3.connect(db)
    for obj in ("flow_edges", "recipient_edges"):
        con.execute(f"DROP TABLE {obj}")
    con.execute("DROP VIEW recipients_readable")  # names every recipients column of its time
    con.execute("ALTER TABLE recipients DROP COLUMN facts")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    reg = open_database(db)
    r = reg.policies["你我贷"].recipient("北京旷视科技有限公司")
    assert r.facts == () and r.contact == "400-6700-866"
    con = sqlite3.connect(db)
    assert "facts" in {row[1] for row in con.execute("PRAGMA table_info(recipients)")}
    con.close()


def test_a_graph_keeps_no_facts_and_the_record_says_so(seed):
    rec = recipient_record(build_graph(seed), "北京旷视科技有限公司")
    assert rec["contact"]["value"] == "400-6700-866"
    assert rec["relationship"] is None and "registry" in rec["note"]


def test_the_bundled_registry_has_the_facts_of_a_fresh_import(seed):
    assert open_registry().policies["你我贷"].recipients == seed.policies["你我贷"].recipients


def test_a_bad_pattern_in_the_words_is_one_line(tmp_path):
    bad = tmp_path / "recipient_facts.yaml"
    src = Path(__file__).resolve().parent.parent / "data" / "recipient_facts.yaml"
    shutil.copy(src, bad)
    bad.write_text(bad.read_text(encoding="utf-8").replace("- 受托方", "- 受托方(", 1), encoding="utf-8")
    with pytest.raises(VocabularyError) as e:
        load_words(bad)
    assert "受托方(" in str(e.value) and "\n" not in str(e.value)


def test_a_version_2_database_written_before_the_facts_column_reads_and_takes_new_imports(tmp_path, seed):
    db = tmp_path / "v2.db"
    with writer(db) as w:
        w.put(seed.policies["你我贷"])
    con = sqlite3.connect(db)
    con.execute("DROP VIEW recipients_readable")
    con.execute("ALTER TABLE recipients DROP COLUMN facts")
    con.commit()
    con.close()
    r = open_database(db).policies["你我贷"].recipient("北京旷视科技有限公司")
    assert r.facts == () and r.contact == "400-6700-866"
    with writer(db) as w:  # a new import adds the column and writes the facts
        w.put(seed.policies["你我贷"])
    again = open_database(db).policies["你我贷"].recipient("北京旷视科技有限公司")
    assert again == seed.policies["你我贷"].recipient("北京旷视科技有限公司")


# -- fields-of shows the record (issue 14: "shown by fields-of and in the report") ----------

def test_fields_of_shows_the_record_after_the_flows_and_json_stays_the_flow_rows():
    from typer.testing import CliRunner

    import cli

    runner = CliRunner()
    # seed line 887 names 北京旷视科技有限公司 in the SDK table, its 沟通反馈渠道 cell at line 892
    # is "400-6700-866"; line 1949 says personal information is not transferred abroad
    piped = runner.invoke(cli.app, ["fields-of", "旷视"])
    assert piped.exit_code == 0, piped.output
    rows = [line.split("\t") for line in piped.stdout.splitlines()]
    header, body = rows[0], rows[1:]
    assert header[0] == "section" and header[-2:] == ["fact", "value"]
    record = {r[-2]: r[-1] for r in body if r[0] == "record"}
    assert record["contact"] == "400-6700-866 (line 892)"
    assert record["cross-border"].startswith("not transferred abroad") and "line 1949" in record["cross-border"]
    assert record["legal basis"] == "not stated"
    assert [r for r in body if r[0] != "record"] and all(r[-1] == "" for r in body if r[0] != "record")
    data = json.loads(runner.invoke(cli.app, ["fields-of", "旷视", "--json"]).stdout)
    assert isinstance(data, list) and {r["recipient"] for r in data} == {"北京旷视科技有限公司"}


def test_impact_summaries_say_none_not_a_blank_or_braces():
    from typer.testing import CliRunner

    import cli

    # 旦米 is named only in the sharing list's row 4 (seed line 2232): no SDK, no onward processor
    out = CliRunner().invoke(cli.app, ["impact", "breach", "旦米"]).stdout
    assert "sdks: none" in out and "onward_processors: none" in out and "resolved: none" in out
    assert "{}" not in out
