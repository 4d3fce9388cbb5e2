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
    assert texts("设备信息（IMEI、姓名") == ["设备信息（IMEI", "姓名"]


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
