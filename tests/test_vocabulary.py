"""Guards on the vocabulary in data/: fields.yaml, recipients.yaml, permissions.yaml.

The seed checks read data/seed_policy.txt with a small splitter of their own (not
registry.splitting), so a regression in either the data or the importer's splitter
shows up as a disagreement.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from registry.errors import VocabularyError
from registry.model import RecipientKind
from registry.normalize import recipient_kind
from registry.vocabulary import load_vocabulary, name_key

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEED = DATA / "seed_policy.txt"

# Pinned on purpose: a careless edit that drops entries fails here. Change these
# numbers deliberately, in the same commit as the data.
N_FIELDS = 296
N_BRANDS = 37
N_PERMISSIONS = 28
N_RECIPIENT_ALIAS_ENTRIES = 17

ANNEX_A = [
    "个人基本资料", "个人身份信息", "个人生物识别信息", "网络身份标识信息", "个人健康生理信息",
    "个人教育工作信息", "个人财产信息", "个人通信信息", "联系人信息", "个人上网记录",
    "个人常用设备信息", "个人位置信息", "其他信息",
]


@pytest.fixture(scope="module")
def v():
    return load_vocabulary(DATA)


def raw(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def resolved(v, text: str) -> str | None:
    e = v.resolve_field(text)
    return e.name if e else None


def ancestors(v, name: str) -> list[str]:
    out, p = [], v.fields[name].parent
    while p is not None:
        out.append(p)
        p = v.fields[p].parent
    return out


# ---------------------------------------------------------------- files and structure

def test_files_load_and_counts_are_pinned(v):
    assert len(v.fields) == N_FIELDS
    assert len(v.brands) == N_BRANDS
    assert len(v.permissions) == N_PERMISSIONS
    assert len(raw("recipients.yaml")["aliases"]) == N_RECIPIENT_ALIAS_ENTRIES
    for f in ("fields.yaml", "recipients.yaml", "permissions.yaml"):
        assert raw(f)["version"] == 1


def test_field_names_are_unique_in_the_file():
    names = [f["name"] for f in raw("fields.yaml")["fields"]]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes


def test_every_key_names_one_field():
    """No name or alias (in name_key form) is claimed by two fields."""
    owner: dict[str, str] = {}
    for f in raw("fields.yaml")["fields"]:
        for a in (f["name"], *(f.get("aliases") or [])):
            k = name_key(str(a))
            assert owner.setdefault(k, f["name"]) == f["name"], (a, owner[k], f["name"])


def test_every_alias_resolves_to_its_field(v):
    for f in v.fields.values():
        for a in (f.name, *f.aliases):
            assert resolved(v, a) == f.name, a


def test_aliases_are_not_repeated_within_a_field(v):
    for f in v.fields.values():
        keys = [name_key(a) for a in (f.name, *f.aliases)]
        assert len(keys) == len(set(keys)), f.name


def test_every_field_has_an_english_gloss(v):
    assert [f.name for f in v.fields.values() if not f.en.strip()] == []


def test_parents_exist_and_there_are_no_cycles(v):
    for f in v.fields.values():
        if f.parent is not None:
            assert f.parent in v.fields, f.name
            assert f.parent != f.name
            chain = ancestors(v, f.name)
            assert len(chain) == len(set(chain)) and f.name not in chain


def test_sensitivity_is_a_boolean(v):
    for f in raw("fields.yaml")["fields"]:
        assert f["sensitive"] is True or f["sensitive"] is False, f["name"]


def test_categories_are_annex_a(v):
    assert list(v.categories) == ANNEX_A
    assert {f.category for f in v.fields.values()} <= set(ANNEX_A)


def test_loader_rejects_a_duplicate_alias(tmp_path):
    for name in ("recipients.yaml", "permissions.yaml"):
        (tmp_path / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    text = (DATA / "fields.yaml").read_text(encoding="utf-8")
    text = text.replace("aliases: [手机号,", "aliases: [身份证号, 手机号,", 1)
    (tmp_path / "fields.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError, match="身份证号"):
        load_vocabulary(tmp_path)


def test_qualifiers_do_not_hide_fields(v):
    """A field or alias that starts with a qualifier still resolves as itself (whole text first)."""
    for q in v.qualifiers:
        assert not q.endswith(" ")
        for f in v.fields.values():
            for a in (f.name, *f.aliases):
                if a.startswith(q):
                    assert resolved(v, a) == f.name
    assert resolved(v, "个人常用设备信息") == "设备信息"
    assert resolved(v, "个人上网记录") == "个人上网记录"
    assert resolved(v, "个人设备信息") == "设备信息"


# ---------------------------------------------------------------- decisions

@pytest.mark.parametrize(("written", "canonical"), [
    ("身份证号", "身份证号码"),
    ("身份证号码", "身份证号码"),
    ("手机号", "手机号码"),
    ("Mac 地址", "MAC地址"),
    ("MAC地址", "MAC地址"),
    ("IP 地址", "IP地址"),
    ("位置信息", "地理位置信息"),
    ("地理位置信息", "地理位置信息"),
    ("应用列表", "应用程序列表"),
    ("个人常用设备信息", "设备信息"),
    ("用户提供的经营企业信息", "经营企业信息"),
    ("您主动提供的经营企业信息", "经营企业信息"),
    ("广告标识符IDFA（IOS）", "IDFA"),
    ("广告标识符IDFA", "IDFA"),
    ("IDFV（IOS）", "IDFV"),
    ("SIM卡识别码", "SIM卡序列号"),
    ("SIM卡运营商", "运营商信息"),
    ("移动运营商", "运营商信息"),
    ("运营商类型", "运营商信息"),
    ("硬件序列号信息", "设备序列号"),
    ("系统版本", "操作系统版本"),
    ("WIFI-名称", "WiFi名称"),
    ("Wifi名称", "WiFi名称"),
    ("APP包名及版本号", "应用信息"),
    ("运行状态", "应用运行状态"),
    ("您使用我们服务的状态", "服务使用状态"),
    ("借款额度", "授信额度"),
    ("贷款期数", "借款期数"),
    ("贷款金额", "借款金额"),
    ("借款时间", "借款日期"),
    ("单位名称", "工作单位名称"),
    ("居住地址信息", "居住地址"),
    ("还款信息", "还款相关信息"),
    ("还款时间", "还款日期"),
    ("银行绑定手机号", "银行卡预留手机号"),
    ("通过摄像头拍摄的身份证信息及影像", "身份证正反面照片"),
    ("通过摄像头拍摄的身份证图像视频数据", "身份证正反面照片"),
    ("驾驶证/行驶证照片", "驾驶证或行驶证照片"),
    ("银行卡信息及影像", "银行卡信息"),
    ("设备指纹类型", "设备指纹"),
    ("使用Cookie服务", "Cookie信息"),
    ("显示/点击/关闭打点上报记录", "推送消息打点记录"),
    ("HMS Core open Id", "OpenID"),
    ("User ID", "用户ID"),
    ("Google Advertising ID", "GAID"),
    ("手机Region设置", "地区设置"),
    ("面部识别图像", "面部照片"),
    ("与您的关系", "联系人关系"),
    ("紧急联系人", "联系人信息"),
    ("邮箱", "电子邮箱"),
])
def test_spelling_variants_resolve(v, written, canonical):
    assert resolved(v, written) == canonical


@pytest.mark.parametrize(("a", "b"), [
    ("银行卡预留手机号", "手机号码"),
    ("身份证正反面照片", "身份证号码"),
    ("本机电话号码", "手机号码"),
    ("设备指纹", "指纹"),
    ("逾期状态", "逾期信息"),
    ("借款期限", "借款期数"),
    ("还款日期", "应还日期"),
    ("工作地址", "单位地址"),
    ("网络类型", "网络制式"),
    ("IMSI", "SIM卡序列号"),
    ("通讯录", "联系人信息"),
    ("放款金额", "借款金额"),
    ("应用信息", "应用程序列表"),
    ("身份证信息", "身份证号码"),
    ("面部照片", "人脸识别特征"),
])
def test_distinct_things_stay_distinct(v, a, b):
    ea, eb = v.resolve_field(a), v.resolve_field(b)
    assert ea is not None and eb is not None
    assert ea.name != eb.name


def test_sensitive_fields(v):
    sens = {f.name for f in v.fields.values() if f.sensitive}
    must = {
        "身份证号码", "身份证正反面照片", "面部照片", "面部识别视频", "人脸识别特征", "指纹", "声纹",
        "银行卡号", "银行卡预留手机号", "信用卡卡号", "支付宝账号", "借贷记录", "征信信息", "逾期信息",
        "逾期状态", "地理位置信息", "精确位置", "行踪轨迹", "短信内容", "通话记录", "通讯录",
        "联系人信息", "网页浏览记录", "宗教信仰", "健康信息", "婚姻状态", "密码",
    }
    assert must <= sens, must - sens
    not_sensitive = {
        "姓名", "性别", "手机号码", "电子邮箱", "IMEI", "IMSI", "Android ID", "MAC地址", "IP地址",
        "设备信息", "设备型号", "OAID", "IDFA", "应用程序列表", "粗略位置", "学历信息", "用户ID",
        "注册天数", "服务使用状态", "优惠券信息",
    }
    assert not (not_sensitive & sens), not_sensitive & sens


def test_groups_are_consistent_in_sensitivity(v):
    """Biometric data and loan records are sensitive all the way down."""
    for group in ("生物特征", "借款相关信息", "身份证信息", "联系人信息", "银行卡信息", "通信记录"):
        for d in v.descendants(group):
            if d == "身份证地址" or d == "签发机关":  # addresses and issuing office: see fields.yaml
                continue
            assert v.fields[d].sensitive, (group, d)


def test_seed_groups_hold_their_members(v):
    for group, members in {
        "设备信息": ["IP地址", "MAC地址", "IMEI", "IMSI", "本机电话号码", "Android ID", "IDFA", "IDFV",
                   "SIM卡序列号", "运营商信息", "网络类型", "设备型号", "硬件信息", "操作系统版本", "设备类型"],
        "服务使用状态": ["注册天数", "注册后最近一次登录天数"],
        "放款信息": ["放款金额", "放款时间", "放款期限"],
        "还款相关信息": ["还款金额", "还款日期", "还款状态", "还款期次", "逾期信息", "还款方式", "还款计划",
                    "应还日期", "逾期状态"],
        "借款相关信息": ["借款期限", "授信额度", "借款金额", "借款日期", "借款期数", "借款用途", "是否上报征信",
                    "还款金额", "放款金额"],
        "联系人信息": ["联系人姓名", "联系人手机号码", "联系人关系"],
        "身份证信息": ["身份证号码", "身份证有效期", "身份证正反面照片"],
    }.items():
        below = set(v.descendants(group))
        assert set(members) <= below, (group, set(members) - below)


# ---------------------------------------------------------------- the seed document

_PLATFORM = re.compile(r"[（(]\s*(?:ios|android|安卓|苹果)\s*[）)]", re.I)
_OPTIONAL = re.compile(r"[（(]可选提供[）)]")
_LEAD = re.compile(r"^(?:包括|包含|如)")


def split_cell(text: str) -> list[tuple[str, str | None]]:
    """(item, group it was listed in) for a cell; the group itself has group None."""
    text = _OPTIONAL.sub("", _PLATFORM.sub("", unicodedata.normalize("NFC", text)))
    out: list[tuple[str, str | None]] = []
    depth, buf, parts = 0, "", []
    for ch in text:  # split on top-level separators only
        depth += ch in "（("
        depth -= ch in "）)"
        if depth == 0 and ch in "、；，":
            parts.append(buf)
            buf = ""
        else:
            buf += ch
    parts.append(buf)
    for part in parts:
        for piece in part.split("以及") if "（" not in part else [part]:
            piece = piece.strip(" \u3000\t、；，")
            if not piece:
                continue
            m = re.fullmatch(r"(.+?)[（(](.+)[）)]", piece)
            if m:
                group = m.group(1).strip()
                out.append((group, None))
                for member in re.split("、|；|，|以及", _LEAD.sub("", m.group(2))):
                    if member.strip():
                        out.append((member.strip(), group))
            else:
                out.append((piece, None))
    return out


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


# The sharing list's scenarios, by hand from the appendix; the cell after each is 共享信息.
SCENARIOS = [
    "认证服务", "银行卡绑定、授权自动扣款", "推送通知", "短信、电话通知及商业营销", "借款导流合作",
    "借款推荐服务", "风控审核、信用初审", "电子签章和电子合同存证服务", "贷后管理（逾期提醒、催收）",
    "会员中心及app营销活动合作的服务供应商", "借款申请", "获取定位信息", "权益服务",
]

SDKS = [
    "腾讯云人脸核身SDK", "face++SDK", "听云SDK", "同盾SDK", "易盾SDK", "网易七鱼SDK", "Growing IO SDK",
    "极光推送SDK", "华为推送SDK", "VIVO推送SDK", "OPPO推送SDK", "小米推送SDK", "Flyme推送SDK",
    "高德地图SDK", "一键登录SDK",
]


def sharing_cells() -> dict[str, str]:
    lines = seed_lines()
    start = next(i for i, ln in enumerate(lines) if ln.strip().startswith("附录：《与第三方共享个人信息清单》"))
    body = [ln.strip() for ln in lines[start:] if ln.strip()]
    cells = {}
    for scen in SCENARIOS:
        i = body.index(scen, body.index("共享信息接收方"))
        cells[scen] = body[i + 1]
    return cells


def sdk_cells() -> dict[str, list[str]]:
    """SDK name -> its 收集信息 lines (cells 8.. of the row; blank cells are a lone NBSP)."""
    lines = seed_lines()
    start = next(i for i, ln in enumerate(lines) if ln.strip() == "SDK名称")
    end = next(i for i, ln in enumerate(lines) if i > start and ln.startswith("二、我们如何共享"))
    cells = [ln.strip(" \t") for ln in lines[start:end] if ln.strip(" \t")]
    idx = [cells.index(s) for s in SDKS]
    out = {}
    for k, s in enumerate(SDKS):
        row = cells[idx[k]: idx[k + 1] if k + 1 < len(SDKS) else len(cells)]
        out[s] = [c.strip() for c in row[7:] if c.strip()]
    return out


def test_the_seed_reader_finds_every_row():
    cells = sharing_cells()
    assert len(cells) == 13
    assert cells["获取定位信息"] == "地理位置信息"
    sdk = sdk_cells()
    assert sdk["高德地图SDK"][0] == "IMEI"  # its three empty cells are skipped, not its data
    assert sdk["华为推送SDK"][-1] == "网络信息" and len(sdk["华为推送SDK"]) == 14
    assert sdk["一键登录SDK"] == ["个人常用设备信息、", "位置信息、", "网络信息、", "手机号码"]


def test_every_sharing_list_item_resolves(v):
    missing = [(scen, item) for scen, cell in sharing_cells().items()
               for item, _ in split_cell(cell) if resolved(v, item) is None]
    assert missing == []


def test_every_sdk_item_resolves(v):
    missing = [(sdk, item) for sdk, items in sdk_cells().items()
               for line in items for item, _ in split_cell(line) if resolved(v, item) is None]
    assert missing == []


def test_seed_group_members_sit_below_their_group(v):
    """A member listed inside a group's parenthesis is a descendant of that group, unless
    it naturally belongs elsewhere (the bank-card items the seed lists under 借款相关信息)."""
    elsewhere = {("借款相关信息", "银行卡号"), ("借款相关信息", "银行卡开户行"), ("借款相关信息", "银行卡尾号"),
                 ("借款相关信息", "优惠券信息")}
    seen_groups = set()
    for cell in sharing_cells().values():
        for item, group in split_cell(cell):
            if group is None:
                continue
            g, m = resolved(v, group), resolved(v, item)
            seen_groups.add(g)
            if (g, m) in elsewhere:
                continue
            assert g in ancestors(v, m), (group, item)
    assert seen_groups == {"设备信息", "服务使用状态", "借款相关信息", "放款信息", "还款相关信息"}


@pytest.mark.parametrize(("written", "canonical"), [
    ("IMEI", "IMEI"),
    ("设备唯一识别码", "设备唯一识别码"),
    ("设备指纹类型", "设备指纹"),
    ("语音信箱号码", "语音信箱号码"),
    ("SIM卡序列号", "SIM卡序列号"),
    ("网页浏览数据", "网页浏览记录"),
    ("网页行为数据", "网页行为数据"),
    ("运行APP信息", "应用信息"),
    ("APP信息", "应用信息"),
    ("应用信息", "应用信息"),
    ("应用状态记录", "应用运行状态"),
    ("应用Token", "推送Token"),
    ("网络设备制造商", "设备制造商"),
    ("电池", "电池信息"),
    ("内存容量", "内存容量"),
    ("WIFI信息", "WiFi信息"),
    ("个人常用设备信息", "设备信息"),
    ("营业执照照片", "营业执照照片"),
])
def test_sdk_items_resolve_to(v, written, canonical):
    assert any(written == i for items in sdk_cells().values() for line in items
               for i, _ in split_cell(line)), f"{written} is not in the SDK table"
    assert resolved(v, written) == canonical


# The body's collection paragraphs (section 一, the Cookie and third-party paragraphs),
# items picked by hand: prose is not a table, so no splitter is trusted with it.
BODY_ITEMS = [
    # 1. 账号注册与登录
    "手机号", "短信验证码", "密码", "个人设备信息", "设备名称", "设备型号", "设备序列号", "设备指纹", "IMEI",
    "IMSI", "设备唯一识别码", "Android ID", "广告追踪ID", "操作系统版本", "设备软件版本", "SDK版本",
    "应用程序版本", "网络信息", "网络类型", "网络制式", "SIM卡序列号", "SIM卡运营商", "IOS设备的MCC", "MNC",
    "日志信息", "访问内容", "IP地址", "访问日期和时间", "访问记录", "网络身份标识信息", "Mac地址",
    "Wifi名称", "Wifi BSSID", "地理位置信息",
    # 2.1 实名认证
    "姓名", "性别", "出生日期", "身份证号", "身份证有效期", "身份证正反面照片", "面部照片", "面部识别视频",
    "身份识别信息",
    # 2.2 额度申请
    "居住地址", "婚姻状态", "学历信息", "电子邮箱", "短信内容", "联系人信息", "联系人姓名", "与您的关系",
    "通讯录", "通话记录", "职位名称", "工作性质", "所属行业", "工作单位名称", "收入说明", "负债情况",
    "借款用途", "借款期限", "应用程序列表", "银行卡号", "银行卡预留手机号",
    # 2.3 额度提升
    "经营企业信息", "信用卡信息", "芝麻分", "花呗额度", "京东守约信息", "微信支付分", "车辆信息", "营业执照",
    "信用卡", "车辆行驶证信息", "企业营业执照照片", "企业名称", "企业类型", "统一社会信用代码", "信用卡卡号",
    "银行绑定手机号", "支付宝账号", "花呗可用额度", "花呗总额度", "支付宝账户", "真实姓名", "京东账户",
    "小白守约分", "车辆行驶证照片", "车牌号",
    # 2.4 / 3. 支付、还款、贷后
    "手机号码", "银行账户", "借贷交易记录", "借款额度", "借款金额", "借款期数", "借款时间", "借款记录",
    "放款记录", "还款计划", "还款记录", "逾期信息", "银行卡号码", "优惠券信息",
    # 4. 营销、5. 客服、B 扩展功能
    "使用我们的产品或服务的状态", "还款状态", "逾期状态", "权益服务开通状态", "借贷记录", "行为数据",
    "第三方评分数据", "语音内容", "通讯地址", "虚拟财产信息", "日历信息",
    # （三）从第三方获取
    "个人财产状况", "消费行为数据信息", "交易信息", "账单信息", "投资理财信息", "评估结果（评分）", "户籍信息",
    "诉讼信息", "执行信息", "违法犯罪信息", "航旅信息", "应用软件行为数据", "用户画像", "个人上网记录",
    "电商平台信息", "APP推送信息",
    # Cookie 与 SDK
    "手机设备信息", "用户ID", "您在第三方平台留存的信息", "信用卡记录", "交易记录", "体验分析数据",
    # 二、共享 (prose)
    "借贷情况", "履约状况", "身份信息", "投诉内容", "不良信息", "证件类型", "联系地址", "还款计划信息",
    "身份证地址", "户籍地址", "工作地址", "职业信息", "单位地址", "月收入", "贷款金额", "贷款期数",
    "消费凭证", "设备类型", "系统版本", "运营商信息", "银行卡开户行", "银行卡尾号", "是否上报征信",
    "是否开通权益", "权益开通日期", "权益费金额", "借款日期", "还款信息",
    # 名词解释
    "身份证件信息", "个人生物识别信息", "宗教信仰", "行踪轨迹",
]


def test_body_items_are_in_the_seed_and_resolve(v):
    text = name_key(SEED.read_text(encoding="utf-8"))
    absent = [i for i in BODY_ITEMS if name_key(i) not in text]
    assert absent == []
    assert [i for i in BODY_ITEMS if resolved(v, i) is None] == []


# ---------------------------------------------------------------- permissions

SEED_PERMISSIONS = {
    "网络": [], "通知": [], "获取应用程序列表": ["应用程序列表"],
    "相机": ["面部照片", "身份证正反面照片"], "相册": ["照片"], "地理位置": ["地理位置信息"],
    "通讯录": ["通讯录", "联系人信息"], "通话记录": ["通话记录"], "短信": ["短信内容"],
    "存储空间": ["存储文件"], "日历": ["日历信息"], "麦克风": ["语音信息"],
}


def test_seed_permissions_are_known(v):
    for name, fields in SEED_PERMISSIONS.items():
        p = v.permission(name)
        assert p is not None and p.name == name
        assert set(fields) <= set(p.fields), name
        if not fields:
            assert p.fields == ()


def test_permission_names_and_aliases_are_unique(v):
    owner: dict[str, str] = {}
    for p in v.permissions:
        for a in (p.name, *p.aliases):
            assert owner.setdefault(name_key(a), p.name) == p.name, (a, owner[name_key(a)], p.name)


def test_permission_fields_exist(v):
    for p in v.permissions:
        assert set(p.fields) <= set(v.fields), p.name


@pytest.mark.parametrize(("alias", "name"), [
    ("ACCESS_FINE_LOCATION", "地理位置"), ("定位", "地理位置"), ("READ_CONTACTS", "通讯录"),
    ("READ_PHONE_STATE", "电话"), ("剪贴板", "剪切板"), ("日历读写权限", "日历"), ("RECORD_AUDIO", "麦克风"),
])
def test_permission_aliases(v, alias, name):
    assert v.permission(alias).name == name


def test_phone_permission_exposes_imei(v):
    assert "IMEI" in v.permission("电话").fields


# ---------------------------------------------------------------- recipients

def test_brands_are_unique_and_tokens_specific(v):
    names = [name_key(b.name) for b in v.brands]
    assert len(names) == len(set(names))
    for b in v.brands:
        assert b.tokens, b.name
        for t in b.tokens:
            assert len(name_key(t)) >= 2, (b.name, t)


def test_seed_brands_are_listed(v):
    names = {b.name for b in v.brands}
    assert {"小米", "华为", "VIVO", "OPPO", "魅族", "app store", "旦米"} <= names


def test_brand_tokens_tie_the_seed_push_sdks(v):
    providers = {"小米": "小米推送SDK", "华为": "华为推送SDK", "VIVO": "VIVO推送SDK", "OPPO": "广东欢太科技有限公司",
                 "魅族": "Flyme推送SDK"}
    for brand, text in providers.items():
        b = next(b for b in v.brands if b.name == brand)
        assert any(name_key(t) in name_key(text) for t in b.tokens), brand
    store = next(b for b in v.brands if b.name == "app store")
    text = SEED.read_text(encoding="utf-8")
    sdk_table = name_key(text[text.index("SDK名称"):text.index("二、我们如何共享")])
    assert not any(name_key(t) in sdk_table for t in store.tokens)  # so app store stays unresolved


def test_recipient_aliases_map_each_alias_once():
    owner: dict[str, str] = {}
    for e in raw("recipients.yaml")["aliases"]:
        for a in e["aliases"]:
            assert owner.setdefault(name_key(a), e["name"]) == e["name"], a


def test_recipient_alias_targets_are_legal_names(v):
    for target in set(v.recipient_aliases.values()):
        assert recipient_kind(target, v) is RecipientKind.COMPANY, target
    assert v.recipient_alias("极光") == "深圳市和讯华谷信息技术有限公司"
    assert v.recipient_alias("小米") is None  # several Xiaomi entities: left to the SDK table


@pytest.mark.parametrize(("text", "kind"), [
    ("北京旷视科技有限公司", RecipientKind.COMPANY),
    ("百融云创科技股份有限公司", RecipientKind.COMPANY),
    ("福建博士通信息有限责任公司", RecipientKind.COMPANY),
    ("中国人民银行征信中心", RecipientKind.COMPANY),
    ("合作的持牌金融机构", RecipientKind.UNNAMED),
    ("第三方支付机构", RecipientKind.UNNAMED),
    ("保险公司", RecipientKind.UNNAMED),
    ("短信和语音服务机构", RecipientKind.UNNAMED),
    ("旦米", RecipientKind.BRAND),
    ("app store", RecipientKind.BRAND),
])
def test_recipient_kinds(v, text, kind):
    assert recipient_kind(text, v) is kind


def test_onward_markers(v):
    assert "及其委托的" in v.onward_markers
    assert v.affiliates == ()


# ---------------------------------------------------------------- other companies' documents
# Spellings met in /work/shared/corpus/<name>/source.* (the file in each comment), each
# checked by reading its row: the alias names the same data as the canonical field.

@pytest.mark.parametrize(("written", "canonical"), [
    ("设备唯一标识码", "设备唯一识别码"),        # jd_yangche_share_list: 设备唯一标识码(IMEI/IMSI)
    ("终端设备唯一标识符", "设备唯一识别码"),    # turing_voice_sdk
    ("软件安装列表", "应用程序列表"),            # jd_yangche_share_list
    ("应用程序列表信息", "应用程序列表"),        # vivo_browser
    ("无线网SSID名称", "WiFi名称"),             # jibencaozuo
    ("WIFI路由器MAC地址", "WiFi BSSID"),        # jibencaozuo: the router's MAC is the BSSID
    ("WIFISSID", "WiFi名称"),                   # vivo_browser
    ("设备的mac地址", "MAC地址"),               # jibencaozuo
    ("SIM卡IMSI", "IMSI"),                      # keysf_third_sdk
    ("Serial Number", "设备序列号"),            # keysf_third_sdk
    ("Google Advertising ID", "GAID"),          # keysf_third_sdk
    ("AndroidID", "Android ID"),                # vivo_browser
    ("手机操作系统版本", "操作系统版本"),        # keysf_third_sdk
    ("手机电量", "电池信息"),                    # keysf_third_sdk
    ("当前网络类型", "网络类型"),                # keysf_third_sdk
    ("通知栏权限", "通知栏状态"),                # keysf_third_sdk
    ("是否锁屏", "锁屏状态"),                    # keysf_third_sdk
    ("本机号码", "本机电话号码"),                # jibencaozuo, turing_voice_sdk
    ("机型", "设备型号"),                        # turing_voice_sdk
    ("设备品牌", "设备制造商"),                  # turing_voice_sdk: 设备品牌及型号
    ("运营商", "运营商信息"),                    # turing_voice_sdk
    ("帐号信息", "账号信息"),                    # vivo_browser (帐 for 账)
    ("画像标签", "用户画像"),                    # vivo_browser
    ("身份证图片", "身份证正反面照片"),          # xunfeng_share_list
    ("收件人姓名", "收货人姓名"),                # xunfeng_share_list
    ("收件人手机号码", "收货人手机号码"),        # xunfeng_share_list
    ("公司税号", "纳税人识别号"),                # xunfeng_share_list (invoice)
    ("抬头名称", "发票抬头"),                    # xunfeng_share_list (invoice)
    ("购买商品信息", "商品信息"),                # xunfeng_share_list
    ("应用名", "应用名称"),                      # turing_voice_sdk: 应用信息（应用名、应用版本号）
    ("IP address", "IP地址"),                   # bento_subprocessors
    ("IP Address", "IP地址"),                   # walla_subprocessors
    ("IP address information", "IP地址"),       # walla_subprocessors
    ("email address", "电子邮箱"),              # acuity_subprocessors
    ("Recipient email address", "电子邮箱"),    # bento_subprocessors
    ("email body", "电子邮件内容"),             # acuity_subprocessors (Resend)
    ("email content", "电子邮件内容"),          # bento_subprocessors
    ("billing address", "账单地址"),            # acuity_subprocessors
    ("payment method", "支付方式"),             # acuity_subprocessors
    ("Cardholder data", "银行卡信息"),          # paymenthood_subprocessors
    ("credit card", "信用卡信息"),              # walla_subprocessors
    ("transaction details", "交易记录"),        # bento_subprocessors
    ("Billing data", "账单信息"),               # deltagreen_subprocessors_json
    ("Contact data", "联系方式"),               # deltagreen_subprocessors_json, bento_subprocessors
    ("Account data", "账号信息"),               # bento_subprocessors, paymenthood_subprocessors
    ("account identifiers", "用户ID"),          # bento_subprocessors
    ("device data", "设备信息"),                # bento_subprocessors
    ("Log data", "日志信息"),                   # deltagreen_subprocessors_json
    ("Server logs", "日志信息"),                # paymenthood_subprocessors
    ("Error logs", "崩溃日志"),                 # deltagreen_subprocessors_json
    ("search queries", "搜索记录"),             # bento_subprocessors
    ("pages viewed", "页面信息"),               # paymenthood_subprocessors
    ("clicks", "点击记录"),                     # paymenthood_subprocessors
    ("user agent", "浏览器信息"),               # paymenthood_subprocessors
    ("cookies", "Cookie信息"),                  # bento_subprocessors
    ("Voice audio", "语音信息"),                # acuity_subprocessors
    ("name", "姓名"),                           # acuity_subprocessors: "Email, name, billing address"
    ("device push token", "推送Token"),         # acuity_subprocessors
    ("Technical logs", "日志信息"),             # bento_subprocessors (4 rows)
    ("audit logs", "日志信息"),                 # baton_subprocessors, paymenthood_subprocessors
    ("Billing contact details", "联系方式"),    # bento_subprocessors: the customer's own contacts,
    ("Business contact details", "联系方式"),   # for billing, for business, for the account
    ("Account contact details", "联系方式"),
])
def test_corpus_spellings_resolve(v, written, canonical):
    assert resolved(v, written) == canonical


@pytest.mark.parametrize(("a", "b"), [
    # acuity_subprocessors lists these in separate rows, as distinct data
    ("email", "hashed email"), ("email", "email content"), ("email address", "SHA-256 hash of the email"),
    ("收件人姓名", "姓名"), ("收件人手机号码", "手机号码"),  # the consignee is often not the user
    ("Contact data", "联系人信息"),                         # own contact details, not named contacts
    ("payment method", "transaction details"),
    ("Error logs", "Stack traces"),                         # deltagreen lists both for Sentry
    ("Error logs", "Log data"),
])
def test_corpus_items_listed_apart_stay_apart(v, a, b):
    assert resolved(v, a) is None or resolved(v, a) != resolved(v, b)


@pytest.mark.parametrize("generic", [
    "data", "information", "content", "metadata", "details", "device", "identifier", "token", "tokens",
    "address", "payload", "events", "records", "history", "device and browser", "hashed email", "Telemetry",
    "Customer data", "Client Data", "All data",
])
def test_generic_english_words_are_not_aliases(v, generic):
    assert resolved(v, generic) is None


@pytest.mark.parametrize(("written", "canonical"), [
    ("微信昵称", "昵称"), ("QQ头像", "头像"),   # todo_bulleted_sdk_records.txt (lines 11, 18)
    ("微信支付分", "微信支付分"),               # a field whose name starts with a brand stays itself
    ("微信", None), ("QQ号", None),             # a brand alone, or with less than two characters left
])
def test_a_brand_before_a_field_names_that_field(v, written, canonical):
    """A platform's 昵称 is a 昵称: a leading brand token of recipients.yaml is passed over when
    what follows is a field, and only then."""
    assert resolved(v, written) == canonical


@pytest.mark.parametrize(("written", "canonical"), [
    # traditional script, looked up in simplified (traditional_script_sdk_record.txt, 神策SDK)
    ("設備型號", "设备型号"), ("網絡類型", "网络类型"), ("運營商名稱", "运营商信息"), ("系統版本", "操作系统版本"),
    # a trailing word for "information" (gelonghui_sdks_without_provider.txt; pipe_rows_rowspan_sdk_table.txt)
    ("应用列表信息", "应用程序列表"), ("运行中的进程信息", "运行中的进程"), ("软件列表信息", "应用程序列表"),
    # a leading word for the device (zconnect_unclosed_parenthesis.txt; daomeng_sdk_entries_in_prose.md)
    ("设备网络环境信息", "网络信息"), ("本机应用列表信息", "应用程序列表"),
    # underscores as spaces (fygt_lettered_sdk_records.txt)
    ("Android_ID", "Android ID"),
    # an English word for whose data it is (rst_definition_list_subprocessors.rst: "user email")
    ("user email", "电子邮箱"), ("visitor IP address", "IP地址"),
    ("User Agent", "浏览器信息"),                # a field of its own, as a whole
    ("user data", None), ("useremail", None),     # no field left; not a whole word
    # a field whose name has them is itself
    ("本机电话号码", "本机电话号码"), ("设备信息", "设备信息"), ("手机号码", "手机号码"),
    # nothing is left but the word, or what is left is no field
    ("设备", None), ("本机信息", None), ("手机系统重启时间", None),
])
def test_looser_lookups_find_the_field_a_spelling_names(v, written, canonical):
    assert resolved(v, written) == canonical
