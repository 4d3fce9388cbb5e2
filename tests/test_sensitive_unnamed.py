"""Issue 14 item 2: ``sensitive-unnamed`` lists every recipient no legal entity names: the
unnamed ones, the onward processors, and the brands no row ties to a company, on every backend.

Read from data/seed_policy.txt and the vocabulary (data/fields.yaml says which fields are
sensitive):

* 旦米 is one of the recipients of the 短信、电话通知及商业营销 row (fields at line 2245,
  recipients at 2252); no SDK row names it, so it stays a brand (``sharegraph lint`` lists it).
  Of that row's fields, these are sensitive: 身份证号码; the group 借款相关信息 and, inside it,
  借款期限, 借款额度 (授信额度 in the vocabulary), 还款金额, 还款日期, 应还日期, 逾期状态,
  银行卡开户行, 银行卡尾号, 是否上报征信; and 是否开通权益, 权益开通日期, 权益费金额. Not
  sensitive: 姓名, 性别, 手机号码, 注册天数, 注册后最近一次登录天数, 优惠券信息.
* ``app store`` is the last recipient of the 推送通知 row (line 2225), which shares 设备信息,
  姓名, 性别, 借款额度, 借款期限, 注册天数, 注册后最近一次登录天数: two sensitive fields.
* 合作的持牌金融机构 (借款申请, line 2444) names a kind of recipient; the 贷后管理 row (line
  2375) entrusts outsourcing processors of 广西广木 and 广西嘉数.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import cli
from tests.seed_backends import KINDS, seed_backend

DANMI = {"身份证号码", "借款相关信息", "借款期限", "授信额度", "还款金额", "还款日期", "应还日期", "逾期状态",
         "银行卡开户行", "银行卡尾号", "是否上报征信", "是否开通权益", "权益开通日期", "权益费金额"}


@pytest.fixture(scope="module", params=KINDS)
def backend(request, seed_registry, tmp_path_factory):
    yield from seed_backend(request, seed_registry, tmp_path_factory)


def _by_recipient(rows):
    out: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        out.setdefault((r["recipient"], r["recipient_kind"]), set()).add(r["field"])
    return out


def test_brands_without_a_legal_entity_are_listed(backend):
    got = _by_recipient(backend.sensitive_to_unnamed())
    assert got[("旦米", "brand")] == DANMI
    assert got[("app store", "brand")] == {"借款期限", "授信额度"}
    assert ("合作的持牌金融机构", "unnamed") in got
    assert {k for k in got if k[1] == "onward"} == {
        ("广西嘉数信息科技有限公司委托的外包服务机构", "onward"), ("广西广木资产管理有限公司委托的外包服务机构", "onward")}
    # a brand an SDK row ties to a company is that company, and is not listed
    assert not {name for name, _ in got} & {"小米", "小米移动软件有限公司", "华为", "OPPO"}
    assert backend.sensitive_to_unnamed(app="你我贷") == backend.sensitive_to_unnamed()


def test_cli_rows_say_why_each_recipient_is_listed():
    run = CliRunner().invoke(cli.app, ["sensitive-unnamed"])
    assert run.exit_code == 0, run.output
    header, *lines = [ln.split("\t") for ln in run.stdout.splitlines()]
    why = {ln[header.index("recipient")]: ln[header.index("why")] for ln in lines}
    assert why["旦米"] == why["app store"] == "a brand no row ties to a legal entity"
    assert why["合作的持牌金融机构"] == "a kind of recipient, not a name"
    assert why["广西嘉数信息科技有限公司委托的外包服务机构"] == "an unnamed processor 广西嘉数信息科技有限公司 entrusts"
