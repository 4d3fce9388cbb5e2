"""The whole import of the seed policy, against what the document says.

Every expectation here was written by reading data/seed_policy.txt (a consumer-loan
app's 2022 policy): the SDK table (from the line 'SDK名称'), the permission table
(from '权限名称') and the appendix 《与第三方共享个人信息清单》.
"""

from __future__ import annotations

import pytest

from registry import Channel, RecipientKind, import_document
from registry.importer import SEED_PATH


@pytest.fixture(scope="module")
def seed():
    policy, report = import_document(SEED_PATH, imported_at="2026-01-01T00:00:00Z")
    return policy, report


def scenario(policy, name):
    return next(s for s in policy.scenarios if s.name == name)


def sdk(policy, name):
    return next(s for s in policy.sdks if s.name == name)


def flows(policy, **kw):
    return [f for f in policy.flows if all(getattr(f, k) == v for k, v in kw.items())]


def test_app_and_controller(seed):
    policy, _ = seed
    assert policy.app == "你我贷"
    assert policy.controller == "哈尔滨市龙商小额贷款有限责任公司"


def test_three_tables_found(seed):
    _, report = seed
    assert [(t["kind"], t["rows"]) for t in report.tables] == [
        ("permission", 20), ("sdk", 15), ("sharing", 13),
    ]


def test_sharing_rows(seed):
    policy, _ = seed
    assert [s.name for s in policy.scenarios] == [
        "认证服务", "银行卡绑定、授权自动扣款", "推送通知", "短信、电话通知及商业营销", "借款导流合作",
        "借款推荐服务", "风控审核、信用初审", "电子签章和电子合同存证服务", "贷后管理（逾期提醒、催收）",
        "会员中心及app营销活动合作的服务供应商", "借款申请", "获取定位信息", "权益服务",
    ]
    s = scenario(policy, "获取定位信息")
    assert (s.frequency, s.purpose) == ("申请额度、申请借款时共享一次", "获取定位信息")
    assert s.evidence.line == 2451


def test_sdk_rows(seed):
    policy, _ = seed
    assert [s.name for s in policy.sdks] == [
        "腾讯云人脸核身SDK", "face++SDK", "听云SDK", "同盾SDK", "易盾SDK", "网易七鱼SDK",
        "Growing IO SDK", "极光推送SDK", "华为推送SDK", "VIVO推送SDK", "OPPO推送SDK", "小米推送SDK",
        "Flyme推送SDK", "高德地图SDK", "一键登录SDK",
    ]
    s = sdk(policy, "face++SDK")
    assert (s.provider, s.contact, s.policy_url) == (
        "北京旷视科技有限公司", "400-6700-866", "https://www.megvii.com/privacy_policy")


def test_blank_cell_row_is_whole_and_next_row_not_shifted(seed):
    policy, _ = seed
    amap = sdk(policy, "高德地图SDK")
    assert amap.provider == "高德软件有限公司"
    assert amap.contact == "400-810-0080"
    assert amap.policy_url == "https://lbs.amap.com/pages/privacy/"
    assert (amap.function, amap.need, amap.purpose) == ("", "", "")
    assert amap.data_text.split("\n") == ["IMEI", "IMSI", "MAC地址", "IP地址", "运营商类型", "应用信息", "位置信息"]
    nxt = sdk(policy, "一键登录SDK")
    assert nxt.provider == "深圳市和讯华谷信息技术有限公司"
    assert nxt.contact == "compliance@jiguang.cn"
    assert nxt.function == nxt.need == nxt.purpose == "提供一键登录服务"


def written(policy, sdk_name):
    return [f.field_as_written for f in flows(policy, channel=Channel.SDK, via=sdk_name)]


def test_items_that_lost_indentation_and_several_on_one_line(seed):
    policy, _ = seed
    hw = written(policy, "华为推送SDK")
    assert hw[-3:] == ["APP信息", "内存容量", "网络信息"]
    assert len(hw) == 14
    td = written(policy, "同盾SDK")
    assert "语音信箱号码" in td and "SIM卡序列号" in td
    assert "语音信箱号码、SIM卡序列号" not in td
    assert td[-2:] == ["应用程序列表", "地理位置信息"]


def test_trailing_separators_and_qualifiers(seed):
    policy, _ = seed
    assert written(policy, "一键登录SDK") == ["个人常用设备信息", "位置信息", "网络信息", "手机号码"]
    apply_rows = flows(policy, via="借款申请")
    as_written = {f.field_as_written for f in apply_rows}
    assert {"消费凭证", "用户提供的经营企业信息"} <= as_written
    biz = next(f for f in apply_rows if f.field_as_written == "用户提供的经营企业信息")
    assert biz.field == "经营企业信息"


def test_group_with_members(seed):
    policy, _ = seed
    rec = flows(policy, via="借款推荐服务", recipient="北京融三六零信息技术有限公司")
    implied = [f.field_as_written for f in rec if f.implied_via == "设备信息"]
    assert implied == ["IP地址", "MAC地址", "IMEI", "IMSI", "本机电话号码", "Android ID", "IDFA", "IDFV",
                       "SIM卡序列号", "移动运营商", "网络类型", "设备型号", "硬件信息", "操作系统版本"]
    assert any(f.field == "设备信息" and f.implied_via is None for f in rec)
    sms = flows(policy, via="短信、电话通知及商业营销", recipient="上海大汉三通数据通信有限公司")
    loan = [f.field_as_written for f in sms if f.implied_via and f.implied_via != "服务使用状态"
            and f.implied_via.startswith("借款")]
    assert loan == ["借款期限", "借款额度", "还款金额", "还款日期", "应还日期", "逾期状态", "优惠券信息",
                    "银行卡开户行", "银行卡尾号", "是否上报征信"]
    status = [f.field_as_written for f in sms if f.field_as_written in ("注册天数", "注册后最近一次登录天数")]
    assert status == ["注册天数", "注册后最近一次登录天数"]
    assert all(f.implied_via for f in sms if f.field_as_written in status)
    after = [f.field_as_written for f in sms if f.field_as_written in ("是否开通权益", "权益开通日期", "权益费金额")]
    assert after == ["是否开通权益", "权益开通日期", "权益费金额"]


def recipients_of(policy, scen):
    return list(dict.fromkeys(f.recipient for f in flows(policy, via=scen)))


def test_recipient_cell_spanning_two_paragraphs(seed):
    policy, _ = seed
    assert recipients_of(policy, "借款推荐服务") == [
        "辽宁自贸试验区（营口片区）桔子数字科技有限公司", "北京融三六零信息技术有限公司",
        "河南中原消费金融股份有限公司", "上海旭昌网络科技有限公司", "新疆万鸿信息科技有限公司",
    ]


def test_same_company_twice_in_one_cell(seed):
    policy, report = seed
    rs = recipients_of(policy, "短信、电话通知及商业营销")
    assert len(rs) == 18  # 20 names written, two of them twice
    assert rs.count("上海深世信息科技有限公司") == 1
    dup_notes = [n for n in report.info if "listed again" in n]
    assert len(dup_notes) == 2
    assert any("上海深世信息科技有限公司" in n for n in dup_notes)
    assert any("浙江百应科技有限公司" in n for n in dup_notes)


def test_onward_processor(seed):
    policy, _ = seed
    # "广西广木…、广西嘉数…及其委托的外包服务机构": 其 is both companies (tests/test_onward_principals.py)
    assert recipients_of(policy, "贷后管理（逾期提醒、催收）") == [
        "广西广木资产管理有限公司", "广西嘉数信息科技有限公司", "广西广木资产管理有限公司委托的外包服务机构",
        "广西嘉数信息科技有限公司委托的外包服务机构",
    ]
    onward = policy.recipient("广西嘉数信息科技有限公司委托的外包服务机构")
    assert onward.kind is RecipientKind.ONWARD
    assert onward.onward_of == "广西嘉数信息科技有限公司"


def test_unnamed_category(seed):
    policy, _ = seed
    r = policy.recipient("合作的持牌金融机构")
    assert r.kind is RecipientKind.UNNAMED
    assert recipients_of(policy, "借款申请") == ["合作的持牌金融机构"]


def test_brand_resolution_from_the_sdk_table(seed):
    policy, report = seed
    push = flows(policy, via="推送通知", field="姓名")
    got = {f.recipient_as_written: f.recipient for f in push}
    assert got == {
        "深圳市和讯华谷信息技术有限公司": "深圳市和讯华谷信息技术有限公司",
        "小米": "小米移动软件有限公司",
        "华为": "华为软件技术有限公司",
        "VIVO": "维沃移动通信有限公司",
        "OPPO": "广东欢太科技有限公司",
        "魅族": "珠海市魅族通讯设备有限公司",
        "app store": "app store",
    }
    mi = policy.recipient("小米移动软件有限公司")
    assert "小米推送SDK" in mi.resolution and "line 1544" in mi.resolution
    assert policy.recipient("app store").kind is RecipientKind.BRAND
    assert policy.recipient("旦米").kind is RecipientKind.BRAND
    assert report.unresolved_recipients == ["app store", "旦米"]


def test_distinct_things_stay_distinct(seed):
    policy, _ = seed
    bind = {f.field for f in flows(policy, via="银行卡绑定、授权自动扣款")}
    assert {"手机号码", "银行卡预留手机号", "身份证号码", "身份证正反面照片"} <= bind


def test_aliases_resolve_to_one_field(seed):
    policy, _ = seed
    by_written = {f.field_as_written: f.field for f in policy.flows}
    assert by_written["身份证号"] == by_written["身份证号码"] == "身份证号码"
    assert by_written["Mac 地址"] == by_written["MAC地址"]
    assert by_written["IP 地址"] == by_written["IP地址"]


def test_every_seed_field_resolves(seed):
    policy, report = seed
    assert policy.unresolved_fields == []
    assert report.unresolved_fields == {}


def test_permission_table_rowspan(seed):
    policy, _ = seed
    perms = [(p.name, p.platform) for p in policy.permissions]
    assert perms[:3] == [("网络", "IOS"), ("网络", "Android"), ("通知", "IOS")]
    assert ("获取应用程序列表", "Android") in perms and ("获取应用程序列表", "IOS") not in perms
    assert len(perms) == 20
    assert len({p for p, _ in perms}) == 12
    android_net = policy.permissions[1]
    assert (android_net.purpose, android_net.can_disable, android_net.impact) == ("连接网络", "是", "无法连接网络")
    assert android_net.evidence.line == 228
    loc = next(p for p in policy.permissions if p.name == "地理位置")
    assert "地理位置信息" in loc.fields


def test_sensitive_fields(seed):
    policy, _ = seed
    sens = {f.name for f in policy.fields if f.sensitive}
    assert {"身份证号码", "面部照片", "银行卡号", "地理位置信息"} <= sens
    assert "姓名" not in sens


def test_evidence_cites_the_item_line(seed):
    policy, _ = seed
    f = next(f for f in flows(policy, via="华为推送SDK") if f.field_as_written == "内存容量")
    assert f.evidence.line == 1404 and f.evidence.table == "sdk" and f.evidence.file == "seed_policy.txt"
    g = next(f for f in flows(policy, via="借款推荐服务") if f.recipient == "河南中原消费金融股份有限公司")
    assert g.recipient_line == 2309 and g.evidence.line == 2291
