"""Synthetic registries of a realistic shape, for benchmarks and scale tests.

One real policy (the seed) is ~1,100 flows; questions must stay fast on a
registry of a thousand apps and a million flows. :func:`synth_registry` makes
one, deterministically for a seed, shaped like the real thing:

* apps draw recipients from one long-tailed (Zipf-like) population: a few
  recipients (征信 companies, payment firms, 合作的持牌金融机构) appear in most
  apps, most appear in a handful. Companies are named like real ones
  (某某科技有限公司), with brands (小米, 华为, resolved through the app's own SDK
  table where it has the SDK, as the importer does), unnamed categories
  (合作的持牌金融机构) and onward processors (…及其委托的外包服务机构);
* SDKs come from a popular head (极光推送SDK, 友盟统计SDK, 高德地图SDK,
  微信SDK…) and a long tail, each with its provider, shared across apps, with
  a per-app list of the fields it collects;
* field names are the vocabulary's (``data/fields.yaml``), written as a policy
  writes them: sometimes an alias or with a qualifier (您提供的…), a few unknown
  to the vocabulary (resolved=False); groups list members
  (``设备信息（IMEI、MAC地址）``), which makes implied flows (``implied_via``);
* each app has ~8-15 sharing rows (every field of a row goes to every
  recipient of the row), ~5-20 SDKs and a permission table;
* :class:`~registry.model.Evidence` objects are shared per cell line, as
  :mod:`registry.build` shares them, with file names like ``app_0001.txt``.

Field and recipient names go through the importer's own normalization
(:func:`registry.normalize.resolve_field`, :func:`~registry.normalize.classify_recipient`,
:func:`~registry.normalize.resolve_brand`), so a synthetic policy is what the
importer would have built from such a document.

    python -m bench.synth --apps 1000 --flows 1000000 -o /tmp/synth.json
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
import time
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Generic, TypeVar

from registry.model import (
    SDK,
    Channel,
    Evidence,
    Field,
    Flow,
    Permission,
    Policy,
    Recipient,
    RecipientKind,
    Registry,
    Scenario,
    Source,
)
from registry.normalize import RecipientName, classify_recipient, resolve_brand, resolve_field
from registry.vocabulary import FieldEntry, Vocabulary, load_vocabulary

T = TypeVar("T")

IMPORTED_AT = "2026-01-01T00:00:00Z"

# -- populations -------------------------------------------------------------------------------

_CITIES = ("北京", "上海", "深圳市", "广州", "杭州", "成都", "南京", "武汉", "西安", "天津", "重庆",
           "苏州", "厦门", "长沙", "合肥", "青岛", "济南", "郑州", "福州", "昆明", "贵州", "广西",
           "海南", "宁波", "无锡", "大连", "沈阳", "哈尔滨", "长春", "石家庄")
_SYLLABLES = "华信融数智云联通达安易泰盛恒鑫汇诚博宇腾瑞祥星辰海天明远嘉和美新创宏德正中金富启航元知微聚卓睿讯乐享优捷顺隆丰源景峰"
_TRADES = ("科技", "信息技术", "网络科技", "数据科技", "金融信息服务", "信息科技", "软件技术", "智能科技",
           "征信", "数据服务", "网络技术", "商务咨询", "资产管理", "互联网科技", "通信技术")
_SUFFIXES = ("有限公司",) * 6 + ("股份有限公司", "有限责任公司")

# Recipients every lender shares with: they head the popularity ranking.
_HEAD_RECIPIENTS = (
    "百行征信有限公司", "朴道征信有限公司", "深圳市腾讯计算机系统有限公司", "支付宝（中国）网络技术有限公司",
    "宝付网络科技（上海）有限公司", "易宝支付有限公司", "中金支付有限公司", "北京旷视科技有限公司",
    "上海大汉三通数据通信有限公司", "同盾科技有限公司", "杭州天谷信息科技有限公司", "中互金数据科技有限公司",
)
_UNNAMED = (
    "合作的持牌金融机构", "合作银行", "第三方支付机构", "合作的催收服务机构", "其他合作的数据服务商",
    "保险公司", "担保公司", "合作的电信运营商", "合作的征信机构", "第三方短信服务商", "合作的消费金融公司",
    "合作的小额贷款公司", "第三方电子签章服务商", "我们的关联公司",
)
_ONWARD_MARKERS = ("及其委托的外包服务机构", "及其委托的第三方催收机构", "及其合作的数据服务商")
_BRANDS = ("小米", "华为", "OPPO", "VIVO", "魅族", "app store", "旦米", "荣耀")

# (name, provider, function, fields as a policy lists them)
_HEAD_SDKS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("极光推送SDK", "深圳市和讯华谷信息技术有限公司", "消息推送",
     ("设备信息", "IMEI", "Android ID", "OAID", "MAC地址", "IP地址", "网络信息", "应用程序列表",
      "设备型号", "操作系统版本", "运营商信息", "地理位置信息", "推送Token")),
    ("友盟统计SDK", "友盟同欣（北京）科技有限公司", "统计分析",
     ("设备信息", "IMEI", "IMSI", "Android ID", "OAID", "IDFA", "MAC地址", "IP地址", "设备序列号",
      "应用信息", "网络类型", "地理位置信息")),
    ("高德地图SDK", "高德软件有限公司", "定位与地图",
     ("地理位置信息", "精确位置", "WiFi信息", "基站信息", "IP地址", "设备型号", "操作系统版本",
      "传感器信息", "网络类型")),
    ("微信SDK", "深圳市腾讯计算机系统有限公司", "微信登录、分享与支付",
     ("设备型号", "操作系统版本", "网络类型", "IP地址", "OpenID", "昵称", "头像")),
    ("支付宝SDK", "支付宝（中国）网络技术有限公司", "支付",
     ("设备标识符", "IMEI", "IMSI", "MAC地址", "网络信息", "支付宝账号", "订单信息")),
    ("个推推送SDK", "每日互动股份有限公司", "消息推送",
     ("设备信息", "IMEI", "Android ID", "MAC地址", "IP地址", "应用程序列表", "运营商信息",
      "网络信息", "地理位置信息")),
    ("腾讯Bugly SDK", "深圳市腾讯计算机系统有限公司", "崩溃分析",
     ("设备型号", "操作系统版本", "Android ID", "崩溃日志", "CPU信息", "内存容量", "网络类型")),
    ("华为推送SDK", "华为软件技术有限公司", "消息推送",
     ("AAID", "推送Token", "应用信息", "设备型号", "操作系统版本", "Topic订阅关系", "消息下发记录")),
    ("小米推送SDK", "小米移动软件有限公司", "消息推送",
     ("设备标识符", "OAID", "Android ID", "设备型号", "应用程序版本", "推送Token", "网络信息")),
    ("OPPO推送SDK", "广东欢太科技有限公司", "消息推送",
     ("设备标识符", "OAID", "IMEI", "设备型号", "操作系统版本", "应用包名", "网络类型")),
    ("VIVO推送SDK", "维沃移动通信有限公司", "消息推送",
     ("设备标识符", "应用信息", "推送Token", "网络状态")),
    ("Flyme推送SDK", "珠海市魅族通讯设备有限公司", "消息推送",
     ("设备标识符", "IMEI", "MAC地址", "应用信息", "网络状态")),
    ("百度地图SDK", "北京百度网讯科技有限公司", "定位",
     ("地理位置信息", "WiFi信息", "基站信息", "IP地址", "设备型号", "传感器信息")),
    ("一键登录SDK", "中移互联网有限公司", "本机号码一键登录",
     ("本机电话号码", "IP地址", "网络类型", "运营商信息", "设备型号")),
    ("同盾SDK", "同盾科技有限公司", "设备指纹与反欺诈",
     ("设备指纹", "设备信息", "IMEI", "IMSI", "MAC地址", "IP地址", "地理位置信息", "应用程序列表",
      "传感器信息", "设备Root状态", "运营商信息", "WiFi信息")),
    ("网易易盾SDK", "杭州网易智企科技有限公司", "安全风控",
     ("设备信息", "设备型号", "操作系统版本", "IP地址", "网络类型", "应用信息")),
    ("腾讯云人脸核身SDK", "腾讯云计算（北京）有限责任公司", "身份证识别与人脸核身",
     ("面部照片", "面部识别视频", "身份证正反面照片", "设备型号", "IMEI", "MAC地址")),
    ("face++SDK", "北京旷视科技有限公司", "人像检测", ("面部照片", "身份证正反面照片", "网络信息")),
    ("神策SDK", "神策网络科技（北京）有限公司", "行为分析",
     ("设备信息", "Android ID", "IDFA", "IP地址", "点击记录", "页面信息", "应用程序版本")),
    ("GrowingIO SDK", "北京易数科技有限公司", "统计分析",
     ("设备信息", "Android ID", "OAID", "IP地址", "点击记录", "访问记录", "地理位置信息")),
    ("穿山甲SDK", "北京巨量引擎网络技术有限公司", "广告投放",
     ("设备信息", "IMEI", "OAID", "Android ID", "IDFA", "MAC地址", "IP地址", "应用程序列表",
      "地理位置信息", "设备型号", "网络类型")),
    ("优量汇SDK", "深圳市腾讯计算机系统有限公司", "广告投放",
     ("设备信息", "IMEI", "OAID", "Android ID", "IP地址", "应用程序列表", "网络类型")),
    ("新浪微博SDK", "北京微梦创科网络技术有限公司", "微博分享", ("设备型号", "网络类型", "第三方账号信息")),
    ("阿里云号码认证SDK", "阿里云计算有限公司", "本机号码认证",
     ("本机电话号码", "运营商信息", "网络类型", "IP地址")),
    ("数美SDK", "北京数美时代科技有限公司", "反欺诈",
     ("设备指纹", "设备信息", "IP地址", "应用程序列表", "传感器信息", "电池信息")),
    ("听云SDK", "北京基调网络股份有限公司", "性能检测",
     ("Android ID", "IMEI", "IP地址", "MAC地址", "应用信息", "运营商信息", "网络信息", "Cookie信息")),
    ("银联SDK", "中国银联股份有限公司", "银行卡支付", ("银行卡号", "银行卡预留手机号", "设备标识符", "IP地址")),
    ("网易七鱼SDK", "网易（杭州）网络有限公司", "在线客服", ("设备型号", "客服沟通记录", "昵称")),
)
_TAIL_SDK_WORDS = ("安心", "速验", "云盾", "智推", "易联", "数盾", "闪验", "鹰眼", "星图", "慧眼", "灵犀",
                   "秒验", "云图", "蜂鸟", "天眼", "飞鸽", "极验", "明镜", "悦享", "锐达")
_TAIL_SDK_KINDS = ("统计SDK", "推送SDK", "风控SDK", "认证SDK", "定位SDK", "支付SDK", "分享SDK",
                   "客服SDK", "广告SDK", "性能监控SDK", "OCR SDK", "活体检测SDK")

_SCENARIOS = (
    "认证服务", "银行卡绑定、授权自动扣款", "推送通知", "短信、电话通知及商业营销", "风控审核、信用初审",
    "借款导流合作", "借款推荐服务", "电子签章和电子合同存证服务", "贷后管理（逾期提醒、催收）",
    "征信查询及报送", "借款申请", "权益服务", "会员中心及营销活动", "获取定位信息", "客服服务",
    "支付结算", "保险服务", "反欺诈", "身份核验", "第三方登录", "分享功能", "广告投放", "数据统计分析",
    "云存储服务", "资金存管", "担保服务", "催收服务", "信用评估", "一键登录", "人脸识别", "语音识别",
    "地图导航", "积分兑换", "优惠券发放", "电话回访", "售后服务", "订单履约", "物流配送",
)
_FREQUENCIES = ("每次使用时共享", "使用时共享一次", "实时共享", "按需共享", "每日共享", "申请时共享一次",
                "每次申请借款时")
_PURPOSES = ("完成{s}", "为您提供{s}", "实现{s}功能", "{s}所必需", "保障{s}的安全")

# Fields a lending policy names most: the head of the field popularity ranking.
_HEAD_FIELDS = (
    "姓名", "手机号码", "身份证号码", "设备信息", "IMEI", "银行卡号", "地理位置信息", "IP地址",
    "MAC地址", "Android ID", "设备型号", "借款金额", "身份证正反面照片", "面部照片", "操作系统版本",
    "借款期限", "还款金额", "逾期状态", "银行卡预留手机号", "网络信息", "OAID", "通讯录", "联系人信息",
    "居住地址", "工作单位名称", "月收入", "征信信息", "短信验证码", "性别", "出生日期",
)
# Texts no vocabulary lists: unresolved fields, as a real import has a few.
_UNKNOWN_FIELDS = (
    "借款人画像标签", "授信模型评分", "设备电量曲线", "紧急联系人备注", "渠道来源编码", "营销响应标记",
    "催收沟通摘要", "资方审批意见", "APP活跃时长", "额度调整记录", "风险等级标签", "还款意愿评分",
)
_QUALIFIERS = ("您提供的", "用户提供的", "您的")


class _Zipf(Generic[T]):
    """Rank-weighted sampling: item i is drawn with weight 1/(i+1)**s."""

    def __init__(self, items: Sequence[T], s: float = 1.1) -> None:
        self.items = list(items)
        self.cum = list(accumulate(1.0 / (i + 1) ** s for i in range(len(self.items))))

    def pick(self, rng: random.Random) -> T:
        i = bisect_right(self.cum, rng.random() * self.cum[-1])
        return self.items[min(i, len(self.items) - 1)]

    def sample(self, rng: random.Random, k: int, exclude: set[T] | None = None) -> list[T]:
        """``k`` distinct items (fewer if the population runs out), popular ones likelier."""
        seen = set(exclude or ())
        out: list[T] = []
        tries = 0
        while len(out) < k and tries < 20 * k + 20:
            tries += 1
            x = self.pick(rng)
            if x not in seen:
                seen.add(x)
                out.append(x)
        if len(out) < k:  # the tail: fill at random from what is left
            rest = [x for x in self.items if x not in seen]
            rng.shuffle(rest)
            out.extend(rest[: k - len(out)])
        return out


@dataclass(frozen=True)
class _SdkKind:
    name: str
    provider: str
    function: str
    contact: str
    policy_url: str
    fields: tuple[str, ...]   # canonical names


@dataclass
class _World:
    """The populations every app of one synthetic registry draws from."""

    vocab: Vocabulary
    fields: _Zipf[str]
    groups: _Zipf[str]
    descendants: dict[str, tuple[str, ...]]
    spellings: dict[str, tuple[str, ...]]
    unknown: tuple[str, ...]
    recipients: _Zipf[str]
    classified: dict[str, list[RecipientName]]
    sdks: _Zipf[_SdkKind]
    scenarios: _Zipf[str]


def _company_names(rng: random.Random, n: int, vocab: Vocabulary, taken: set[str]) -> list[str]:
    out: list[str] = []
    attempts = 0
    while len(out) < n and attempts < 50 * n + 1000:
        attempts += 1
        a, b = rng.sample(_SYLLABLES, 2)
        city, trade, suffix = rng.choice(_CITIES), rng.choice(_TRADES), rng.choice(_SUFFIXES)
        if rng.random() < 0.15:
            name = f"{a}{b}{trade}（{city.removesuffix('市')}）{suffix}"
        else:
            name = f"{city}{a}{b}{trade}{suffix}"
        if name in taken:
            continue
        rs = classify_recipient(name, vocab)
        if len(rs) != 1 or rs[0].kind is not RecipientKind.COMPANY or rs[0].name != name:
            continue
        taken.add(name)
        out.append(name)
    return out


def _world(rng: random.Random, apps: int, vocab: Vocabulary) -> _World:
    # fields: the head first, then the rest of the vocabulary in a seeded order
    names = list(vocab.fields)
    head = [f for f in _HEAD_FIELDS if f in vocab.fields]
    head_set = set(head)
    rest = [f for f in names if f not in head_set]
    rng.shuffle(rest)
    children: dict[str, list[str]] = {}
    for e in vocab.fields.values():
        if e.parent:
            children.setdefault(e.parent, []).append(e.name)

    def below(n: str) -> list[str]:
        out: list[str] = []
        for c in children.get(n, ()):
            out.append(c)
            out.extend(below(c))
        return out

    descendants = {g: tuple(dict.fromkeys(below(g))) for g in children}
    groups = sorted(descendants, key=lambda g: (-len(descendants[g]), g))
    spellings: dict[str, tuple[str, ...]] = {}
    for e in vocab.fields.values():
        cands = [e.name, *e.aliases, *(q + e.name for q in _QUALIFIERS)]
        spellings[e.name] = tuple(c for c in dict.fromkeys(cands)
                                  if resolve_field(c, vocab).canonical == e.name)
    unknown = tuple(t for t in _UNKNOWN_FIELDS if resolve_field(t, vocab).entry is None)

    # recipients: companies in a seeded order, with categories, brands and onward texts among them
    taken: set[str] = set(_HEAD_RECIPIENTS) | {p for _, p, _, _ in _HEAD_SDKS}
    n_companies = max(200, 4 * apps)
    companies = _company_names(rng, n_companies, vocab, taken)
    ranked: list[str] = list(_HEAD_RECIPIENTS) + companies
    for text in _UNNAMED:
        ranked.insert(rng.randint(0, 40), text)
    for text in _BRANDS:
        ranked.insert(rng.randint(5, 80), text)
    for i in range(max(10, n_companies // 20)):
        base = ranked[rng.randint(0, min(len(ranked) - 1, 400))]
        if base in _UNNAMED or base in _BRANDS or any(m in base for m in _ONWARD_MARKERS):
            continue
        ranked.insert(rng.randint(4, min(len(ranked), 300)), base + _ONWARD_MARKERS[i % len(_ONWARD_MARKERS)])
    ranked = list(dict.fromkeys(ranked))
    classified = {t: classify_recipient(t, vocab) for t in ranked}

    # SDKs: the popular head, then a long tail provided by companies of the population
    kinds: list[_SdkKind] = []
    for name, provider, function, fields in _HEAD_SDKS:
        canon = tuple(dict.fromkeys(
            fn.canonical for fn in (resolve_field(f, vocab) for f in fields) if fn.entry is not None))
        kinds.append(_SdkKind(name, provider, function, f"privacy@{_digest(provider)[:8]}.example",
                              f"https://{_digest(name)[:8]}.example/privacy", canon))
    field_zipf = _Zipf(head + rest, s=1.05)
    tail_providers = _Zipf(companies, s=0.9)
    seen_names = {k.name for k in kinds}
    n_tail = max(40, apps // 2)
    for i in range(n_tail * 3):
        if len(kinds) >= len(_HEAD_SDKS) + n_tail:
            break
        name = f"{rng.choice(_TAIL_SDK_WORDS)}{rng.choice(_TAIL_SDK_KINDS)}"
        if name in seen_names:
            name = f"{name[:-3]}{i}SDK" if name.endswith("SDK") else f"{name}{i}"
        seen_names.add(name)
        provider = tail_providers.pick(rng)
        fields = tuple(field_zipf.sample(rng, rng.randint(2, 10)))
        kinds.append(_SdkKind(name, provider, name.removesuffix("SDK").strip(), f"400-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                              f"https://sdk{i}.example/privacy", fields))
    scen = list(_SCENARIOS)
    return _World(
        vocab=vocab,
        fields=field_zipf,
        groups=_Zipf(groups, s=0.8),
        descendants=descendants,
        spellings=spellings,
        unknown=unknown,
        recipients=_Zipf(ranked, s=1.05),
        classified=classified,
        sdks=_Zipf(kinds, s=1.0),
        scenarios=_Zipf(scen, s=0.7),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- one app -----------------------------------------------------------------------------------

@dataclass
class _FieldSeen:
    entry: FieldEntry | None
    seen: list[str] = field(default_factory=list)
    parent: str | None = None


@dataclass
class _RecipientSeen:
    kind: RecipientKind
    seen: list[str] = field(default_factory=list)
    resolution: str | None = None
    onward_of: str | None = None
    contact: str | None = None


class _App:
    """Builds one app's policy the way registry.build does: fields, recipients, shared evidence."""

    def __init__(self, world: _World, rng: random.Random, name: str, file: str) -> None:
        self.w = world
        self.rng = rng
        self.name = name
        self.file = file
        self.line = 1 + rng.randint(40, 200)   # the prose before the first table
        self.fields: dict[str, _FieldSeen] = {}
        self.recipients: dict[str, _RecipientSeen] = {}
        self.flows: list[Flow] = []

    def next_line(self, n: int = 1) -> int:
        line = self.line
        self.line += n
        return line

    # fields ----------------------------------------------------------------------------------
    def see_field(self, text: str, group: str | None = None) -> str:
        fn = resolve_field(text, self.w.vocab)
        rec = self.fields.setdefault(fn.canonical, _FieldSeen(fn.entry))
        if text not in rec.seen:
            rec.seen.append(text)
        if rec.parent is None:
            vocab_parent = fn.entry.parent if fn.entry else None
            rec.parent = vocab_parent or (group if group != fn.canonical else None)
        return fn.canonical

    def spell(self, name: str) -> str:
        sp = self.w.spellings.get(name) or (name,)
        r = self.rng.random()
        if r < 0.7 or len(sp) == 1:
            return sp[0]
        return self.rng.choice(sp[1:])

    def items(self, n: int, *, members: float) -> list[tuple[str, str, str | None]]:
        """About ``n`` distinct (canonical, as written, implied_via) for one data cell."""
        out: list[tuple[str, str, str | None]] = []
        taken: set[str] = set()
        rng, w = self.rng, self.w
        while len(out) < n:
            left = n - len(out)
            r = rng.random()
            if r < members and left >= 2:
                group = w.groups.pick(rng)
                pool = [m for m in w.descendants[group] if m not in taken]
                if group in taken or not pool:
                    continue
                k = min(left - 1, len(pool), rng.randint(2, 6))
                gtext = self.spell(group)
                gname = self.see_field(gtext)
                taken.add(gname)
                out.append((gname, gtext, None))
                for m in rng.sample(pool, k):
                    mtext = self.spell(m)
                    mname = self.see_field(mtext, group=gname)
                    if mname in taken:
                        continue
                    taken.add(mname)
                    out.append((mname, mtext, gname))
                continue
            if r > 0.985 and w.unknown:
                text = rng.choice(w.unknown)
            else:
                picked = w.fields.sample(rng, 1, exclude=taken)
                if not picked:
                    break
                text = self.spell(picked[0])
            name = self.see_field(text)
            if name in taken:
                continue
            taken.add(name)
            out.append((name, text, None))
        return out

    @staticmethod
    def cell_text(items: list[tuple[str, str, str | None]], sep: str) -> str:
        parts: list[str] = []
        i = 0
        while i < len(items):
            _, text, _ = items[i]
            j = i + 1
            members = []
            while j < len(items) and items[j][2] is not None and items[j][2] == items[i][0]:
                members.append(items[j][1])
                j += 1
            parts.append(f"{text}（{'、'.join(members)}）" if members else text)
            i = j
        return sep.join(parts)

    # recipients ------------------------------------------------------------------------------
    def see_recipient(self, r: RecipientName, contact: str = "") -> str:
        rec = self.recipients.setdefault(
            r.name, _RecipientSeen(r.kind, onward_of=r.onward_of, contact=contact or None))
        if r.as_written not in rec.seen:
            rec.seen.append(r.as_written)
        if contact and not rec.contact:
            rec.contact = contact
        return r.name

    def row_recipients(self, texts: list[str], sdks: list[SDK], hint: str, line: int,
                       per_line: bool) -> list[tuple[RecipientName, int]]:
        out: list[tuple[RecipientName, int]] = []
        seen: set[str] = set()
        for i, text in enumerate(texts):
            rline = line + i if per_line else line
            for r in self.w.classified[text]:
                if r.kind is RecipientKind.BRAND:
                    resolved = resolve_brand(r.name, sdks, self.w.vocab, hint)
                    if resolved:
                        legal, sdk = resolved
                        sline = sdk.evidence.line if sdk.evidence else 0
                        r = RecipientName(legal, r.as_written, RecipientKind.COMPANY)
                        rec = self.recipients.setdefault(
                            legal, _RecipientSeen(RecipientKind.COMPANY, contact=sdk.contact or None))
                        note = f"brand {r.as_written} -> {legal}: SDK table, {sdk.name} (line {sline})"
                        if note not in (rec.resolution or ""):
                            rec.resolution = f"{rec.resolution}; {note}" if rec.resolution else note
                if r.name in seen:
                    continue
                seen.add(r.name)
                out.append((r, rline))
        return out

    # tables ----------------------------------------------------------------------------------
    def permissions(self) -> list[Permission]:
        rng, vocab = self.rng, self.w.vocab
        perms = list(vocab.permissions)
        chosen = rng.sample(perms, min(len(perms), rng.randint(6, 14)))
        out: list[Permission] = []
        n = 0
        self.next_line(3)  # the table's title and header
        for entry in chosen:
            written = entry.name
            if entry.aliases and rng.random() < 0.15:
                alias = rng.choice(entry.aliases)
                if vocab.permission(alias) is entry:
                    written = alias
            fields = tuple(self.see_field(f) for f in entry.fields)
            platforms = ("IOS", "Android") if rng.random() < 0.6 else (rng.choice(("IOS", "Android")),)
            for platform in platforms:
                n += 1
                purpose, can, impact = f"用于{written}相关功能", "是", f"无法使用{written}相关功能"
                line = self.next_line(rng.randint(18, 30))
                ev = Evidence(self.file, line, "permission", n, "permission",
                              " | ".join((written, platform, purpose, can, impact)))
                out.append(Permission(written, platform, purpose, can, impact, fields, ev))
        return out

    def sdks(self, n_sdk: int, budget: int) -> list[SDK]:
        """The SDK table; every field an SDK lists goes to its provider."""
        rng, w = self.rng, self.w
        kinds = w.sdks.sample(rng, n_sdk)
        out: list[SDK] = []
        self.next_line(3)
        per_sdk = max(1, budget // max(1, n_sdk))
        for n, k in enumerate(kinds, 1):
            base = [f for f in k.fields if rng.random() < 0.8] or list(k.fields[:1])
            want = max(1, min(len(base) + 2, round(per_sdk * rng.uniform(0.5, 1.5))))
            names = base[:want]
            extra = w.fields.sample(rng, max(0, want - len(names)), exclude=set(names))
            rows: list[tuple[str, str, str | None]] = []
            for f in names + extra:
                if f in w.descendants and rng.random() < 0.1:   # a group with its members
                    rows.extend(self._group_items(f, rng.randint(2, 4), {x for x, _, _ in rows}))
                    continue
                text = self.spell(f)
                canon = self.see_field(text)
                if canon not in {x for x, _, _ in rows}:
                    rows.append((canon, text, None))
            name_line = self.next_line(2)
            provider_line = self.next_line(2)
            contact_line = self.next_line(3)
            data_text = self.cell_text(rows, "\n")
            sdk_ev = Evidence(self.file, name_line, "sdk", n, "sdk_name", k.name)
            sdk = SDK(name=k.name, provider=k.provider, contact=k.contact, policy_url=k.policy_url,
                      function=k.function, need=k.function, purpose=f"{k.function}服务",
                      data_text=data_text, fields=tuple(dict.fromkeys(x for x, _, _ in rows)),
                      evidence=sdk_ev)
            out.append(sdk)
            recips = classify_recipient(k.provider, w.vocab)
            for r in recips:
                self.see_recipient(r, contact=k.contact if r.kind is not RecipientKind.ONWARD else "")
            cache: dict[int, Evidence] = {}
            line = contact_line + 3
            for canon, text, implied in rows:
                if implied is None:
                    line += 3
                ev = cache.get(line)
                if ev is None:
                    ev = cache[line] = Evidence(self.file, line, "sdk", n, "data", data_text)
                for r in recips:
                    self.flows.append(Flow(
                        field=canon, field_as_written=text, channel=Channel.SDK, via=sdk.name,
                        recipient=r.name, recipient_as_written=r.as_written,
                        purpose=sdk.purpose or sdk.function, frequency="", evidence=ev,
                        implied_via=implied, recipient_line=provider_line))
            self.line = line + 3
        return out

    def _group_items(self, group: str, k: int, taken: set[str]) -> list[tuple[str, str, str | None]]:
        gtext = self.spell(group)
        gname = self.see_field(gtext)
        if gname in taken:
            return []
        out = [(gname, gtext, None)]
        pool = [m for m in self.w.descendants[group] if m not in taken]
        for m in self.rng.sample(pool, min(k, len(pool))):
            mtext = self.spell(m)
            mname = self.see_field(mtext, group=gname)
            if mname not in taken and mname != gname:
                out.append((mname, mtext, gname))
        return out

    def scenarios(self, n_sc: int, budget: int, sdks: list[SDK]) -> list[Scenario]:
        """The sharing list: ~``budget`` flows over ``n_sc`` rows."""
        rng, w = self.rng, self.w
        names = w.scenarios.sample(rng, n_sc)
        while len(names) < n_sc:
            names.append(f"{rng.choice(_SCENARIOS)}（{len(names) + 1}）")
        weights = [rng.lognormvariate(0, 0.8) for _ in names]
        total_w = sum(weights)
        out: list[Scenario] = []
        left = budget
        self.next_line(3)
        max_fields = max(4, len(w.vocab.fields) // 3)
        for n, (name, wt) in enumerate(zip(names, weights, strict=True), 1):
            last = n == len(names)
            target = max(1, left if last else round(budget * wt / total_w))
            # how many recipients: mostly a few, sometimes a long list
            n_rec = min(target, rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 12, 15, 20)))
            n_rec = max(n_rec, math.ceil(target / max_fields))
            texts = w.recipients.sample(rng, n_rec)
            purpose = rng.choice(_PURPOSES).format(s=name.split("（")[0])
            frequency = rng.choice(_FREQUENCIES)
            row_line = self.next_line(2)
            data_line = self.next_line(rng.randint(2, 8))
            rline = self.next_line(n_rec + 2)
            per_line = rng.random() < 0.4
            recips = self.row_recipients(texts, sdks, purpose + name, rline, per_line)
            n_fields = max(1, min(max_fields, round(target / max(1, len(recips)))))
            items = self.items(n_fields, members=0.3)
            data_text = self.cell_text(items, "、")
            rtext = ("\n" if per_line else "、").join(texts)
            ev_row = Evidence(self.file, row_line, "sharing", n, "scenario",
                              " | ".join((name, data_text, frequency, purpose, rtext)))
            out.append(Scenario(name, frequency, purpose, data_text, rtext, ev_row))
            for r, _ in recips:
                self.see_recipient(r)
            ev = Evidence(self.file, data_line, "sharing", n, "data", data_text)
            for canon, text, implied in items:
                for r, line in recips:
                    self.flows.append(Flow(
                        field=canon, field_as_written=text, channel=Channel.SHARING, via=name,
                        recipient=r.name, recipient_as_written=r.as_written, purpose=purpose,
                        frequency=frequency, evidence=ev, implied_via=implied, recipient_line=line))
            left -= len(items) * len(recips)
        return out

    def policy(self, controller: str, seed: int, scenarios: list[Scenario], sdks: list[SDK],
               permissions: list[Permission]) -> Policy:
        fields = tuple(
            Field(name=name, category=rec.entry.category if rec.entry else None,
                  sensitive=bool(rec.entry and rec.entry.sensitive), parent=rec.parent,
                  resolved=rec.entry is not None, aliases_seen=tuple(rec.seen))
            for name, rec in sorted(self.fields.items())
        )
        recipients = tuple(
            Recipient(name=name, kind=rec.kind, as_written=tuple(rec.seen),
                      legal_entity=name if rec.resolution else None, resolution=rec.resolution,
                      onward_of=rec.onward_of, contact=rec.contact)
            for name, rec in sorted(self.recipients.items())
        )
        notes = tuple(f"unresolved field: {f.name}" for f in fields if not f.resolved)
        return Policy(
            app=self.name, controller=controller,
            source=Source(self.file, _digest(f"{seed}/{self.name}"), IMPORTED_AT),
            scenarios=tuple(scenarios), sdks=tuple(sdks), permissions=tuple(permissions),
            fields=fields, recipients=recipients, flows=tuple(self.flows), notes=notes,
        )


def _app_budgets(rng: random.Random, apps: int, flows: int) -> list[int]:
    weights = [rng.lognormvariate(0, 0.5) for _ in range(apps)]
    total = sum(weights)
    return [max(1, round(flows * w / total)) for w in weights]


def synth_registry(apps: int = 1000, flows: int = 1_000_000, seed: int = 0) -> Registry:
    """A synthetic registry of ``apps`` policies and about ``flows`` flows, the same for a seed."""
    if apps < 1 or flows < 1:
        raise ValueError("apps and flows must be positive")
    rng = random.Random(seed)
    vocab = load_vocabulary()
    world = _world(rng, apps, vocab)
    taken = set(world.classified)
    controllers = _company_names(rng, apps, vocab, taken)
    width = max(4, len(str(apps)))
    reg = Registry()
    for i, budget in enumerate(_app_budgets(rng, apps, flows), 1):
        name = f"app_{i:0{width}d}"
        a = _App(world, random.Random(f"{seed}/{name}"), name, f"{name}.txt")
        r = a.rng
        n_sdk = max(1, min(r.randint(5, 20), budget // 25))   # fewer only for a tiny budget
        n_sc = max(1, min(r.randint(8, 15), budget // 15))
        sdk_budget = round(budget * r.uniform(0.08, 0.2)) if budget >= 20 else 0
        permissions = a.permissions()
        sdks = a.sdks(n_sdk, sdk_budget) if sdk_budget else []
        done = len(a.flows)
        scenarios = a.scenarios(n_sc, max(1, budget - done), sdks)
        controller = controllers[i - 1] if i - 1 < len(controllers) else f"{name}运营公司"
        reg.add(a.policy(controller, seed, scenarios, sdks, permissions))
    return reg


def count_flows(reg: Registry) -> int:
    return sum(len(p.flows) for p in reg.policies.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n\n")[0])
    ap.add_argument("--apps", type=int, default=1000)
    ap.add_argument("--flows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--output", required=True, help="registry file to write")
    args = ap.parse_args(argv)
    from registry.store import save_registry

    t0 = time.perf_counter()
    reg = synth_registry(args.apps, args.flows, args.seed)
    t1 = time.perf_counter()
    save_registry(reg, args.output)
    t2 = time.perf_counter()
    print(f"{len(reg.policies)} apps, {count_flows(reg)} flows: generated in {t1 - t0:.1f} s, "
          f"written to {args.output} in {t2 - t1:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
