"""Qualifiers stay out of field names and ride on Item.qualifiers.

Cells are cut from the corpus (/work/shared/corpus/<name>/source.*, file and line in
each comment) or the seed; what each qualifier is was decided by reading the document.
The words are in data/splitting.yaml.
"""

from __future__ import annotations

import pytest

from registry.splitting import Item, split_items
from registry.vocabulary import load_vocabulary


def one(text: str) -> Item:
    items = split_items(text)
    assert len(items) == 1, items
    return items[0]


def pairs(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(i.text, i.qualifiers) for i in split_items(text)]


@pytest.mark.parametrize(("written", "text", "qualifiers"), [
    ("位置信息（可选）", "位置信息", ("可选",)),
    # seed_policy.txt:89 (额度申请): "短信内容（可选提供）"
    ("短信内容（可选提供）", "短信内容", ("可选提供",)),
    ("IDFA (collected only on iOS)", "IDFA", ("collected only on iOS", "platform: iOS")),
    ("IP address (optional)", "IP address", ("optional",)),
    ("Precise location (if enabled)", "Precise location", ("if enabled",)),
    # seed SDK table (极光推送SDK, Growing IO SDK): the platform note
    ("广告标识符IDFA（IOS）", "广告标识符IDFA", ("platform: iOS",)),
    ("IDFV（IOS）", "IDFV", ("platform: iOS",)),
    # acuity_subprocessors/source.md:91, 199, 211
    ("payment method (held by Stripe, not Acuity)", "payment method", ("held by Stripe, not Acuity",)),
    ("Apple-provided identifier (often a private-relay email)", "Apple-provided identifier",
     ("often a private-relay email",)),
    ("Device push token (no transcripts or audio)", "Device push token", ("no transcripts or audio",)),
    # baton_subprocessors/source.md:22
    ("hashed credentials/identity tokens (no worker profile data stored here per Baton design)",
     "hashed credentials/identity tokens", ("no worker profile data stored here per Baton design",)),
    # acuity_subprocessors/source.md:187 and 175
    ("hashed email when present", "hashed email", ("when present",)),
    ("profile image URL via OAuth", "profile image URL", ("via OAuth",)),
    # paymenthood_subprocessors/source.yml:54
    ("Email address supplied by the visitor", "Email address", ("supplied by the visitor",)),
    ("display name, not visible to other users", "display name", ("not visible to other users",)),
    # keysf_third_sdk/source.txt:14: collected while the app runs in the background
    ("后台运行时获取设备信息", "设备信息", ("后台运行时获取",)),
])
def test_qualifier_taken_off_the_name(written, text, qualifiers):
    item = one(written)
    assert (item.text, item.qualifiers) == (text, qualifiers)
    if ", not" not in written:  # a qualifier after a comma is a part of its own
        assert item.raw == written
    assert not item.members


def test_label_before_a_colon():
    assert pairs("登录：小米帐号ID") == [("小米帐号ID", ("登录",))]
    assert pairs("Android: IMEI, OAID") == [("IMEI", ("platform: Android",)), ("OAID", ("platform: Android",))]
    # a label that is a known field opens its members
    g = one("设备信息：IMEI、MAC地址")
    assert (g.text, [m.text for m in g.members], g.qualifiers) == ("设备信息", ["IMEI", "MAC地址"], ())
    # a URL is no label
    assert [i.text for i in split_items("https://www.jiguang.cn/license/privacy")] == [
        "https://www.jiguang.cn/license/privacy"]


def test_platform_marker_applies_to_the_items_after_it():
    # jibencaozuo/source.md:145 (火山引擎): 设备时区 【Android】无线网SSID名称、…
    g = one("其他信息（运营商信息、设备时区 【Android】无线网SSID名称、WIFI路由器MAC地址、设备的mac地址、设备IMEI）")
    assert [(m.text, m.qualifiers) for m in g.members] == [
        ("运营商信息", ()), ("设备时区", ()),
        ("无线网SSID名称", ("platform: Android",)), ("WIFI路由器MAC地址", ("platform: Android",)),
        ("设备的mac地址", ("platform: Android",)), ("设备IMEI", ("platform: Android",)),
    ]
    # a marker after an item qualifies that item only
    assert pairs("IDFA【iOS】、OAID") == [("IDFA", ("platform: iOS",)), ("OAID", ())]
    assert pairs("【必填】姓名、手机号码") == [("姓名", ("必填",)), ("手机号码", ("必填",))]


def test_member_qualifiers_and_platforms_named_in_them():
    # keysf_third_sdk/source.txt:21 (小米推送SDK)
    g = one("设备信息(IMEI/OAID(适用于Android Q以上系统)、IMEI MD5/MEIDMD5、Android ID、VAID、AAID,以及您的MID"
            "(适用于MIUI系统)、设备型号)")
    got = {m.text: m.qualifiers for m in g.members}
    assert got["OAID"] == ("适用于Android Q以上系统", "platform: Android")
    assert got["您的MID"] == ("适用于MIUI系统",)
    assert list(got) == ["IMEI", "OAID", "IMEI MD5", "MEIDMD5", "Android ID", "VAID", "AAID", "您的MID", "设备型号"]


def test_clause_qualifiers():
    # acuity_subprocessors/source.md:187 (Meta): the dash clause qualifies every item
    consent = "only when the visitor grants marketing consent on the cookie banner"
    assert pairs("Page view metadata, hashed email when present, attribution IDs — " + consent) == [
        ("Page view metadata", (consent,)),
        ("hashed email", (consent, "when present")),
        ("attribution IDs", (consent,)),
    ]
    # acuity_subprocessors/source.md:115 (Vercel): a leading word before the dash
    assert one("Incidental — request metadata (path, status)").qualifiers == ("Incidental",)
    # paymenthood_subprocessors/source.yml:46: a closing sentence qualifies the items before it
    assert pairs("IP address, playback events. Only for visitors who choose to play the video.") == [
        ("IP address", ("Only for visitors who choose to play the video",)),
        ("playback events", ("Only for visitors who choose to play the video",)),
    ]


def test_field_names_resolve_without_their_qualifiers():
    v = load_vocabulary()
    for written, field in [("位置信息（可选）", "地理位置信息"), ("短信内容（可选提供）", "短信内容"),
                           ("IDFA (collected only on iOS)", "IDFA"), ("后台运行时获取设备信息", "设备信息")]:
        assert v.resolve_field(one(written).text).name == field
        assert v.resolve_field(written if "后台" not in written else one(written).text).name == field
    # the vocabulary too sees a trailing qualifier (for text that did not go through the splitter)
    assert v.resolve_field("通话记录（可选提供）").name == "通话记录"
    assert v.resolve_field("通话记录（可选提供）", trailing=False) is None
