"""Issue 14 item 1: an answer with no rows says why, and names the related fields that have
recipients, on every backend (the seed's graph in memory, the seed in a registry database
read in SQL, the seed pushed to Neo4j).

Expectations read from data/seed_policy.txt:

* 面部照片 is shared in three rows: 认证服务 (line 2156, three companies at 2171), 借款推荐服务
  (line 2291, five companies at 2306-2309) and 借款申请 (line 2429, 合作的持牌金融机构): nine
  recipients. The vocabulary spells it 人脸照片 too (data/fields.yaml), so ``人脸`` points there;
  面部识别视频 (alias 人脸识别视频) goes to the 借款申请 row's one recipient.
* The 腾讯云人脸核身SDK row (lines 813-875) collects ``驾驶证/行驶证照片`` (line 875) for
  腾讯云计算（北京）有限责任公司: one item naming a driving licence's or a vehicle licence's photo.
* The permission table's 通讯录 row (line 473) collects the address book; the policy shares no
  address book, but 联系人信息 (the same permission's, data/permissions.yaml) goes to the
  借款推荐服务 row's five companies, 借款申请's one and 贷后管理's two companies and their
  two outsourcing processors (line 2375): ten.
* 行踪轨迹 is in no row; the vocabulary puts it under 地理位置信息, which rows share.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import cli
from lineage.related import alternatives
from tests.seed_backends import KINDS, seed_backend

FACE = ("面部照片", "alias", "人脸照片", 9)


@pytest.fixture(scope="module", params=KINDS)
def backend(request, seed_registry, tmp_path_factory):
    yield from seed_backend(request, seed_registry, tmp_path_factory)


def _related(rows):
    return [(r.field, r.how, r.detail, r.recipients) for r in rows.related]


def test_face_is_no_policys_field_and_points_to_the_face_photo(backend):
    rows = backend.who_receives("人脸")
    assert list(rows) == []
    assert "no policy names 人脸识别特征" in rows.why
    assert _related(rows)[0] == FACE
    assert ("面部识别视频", "alias", "人脸识别视频", 1) in _related(rows)


def test_a_driving_licence_photo_is_written_as_one_of_two(backend):
    rows = backend.who_receives("驾驶证照片")
    assert list(rows) == [] and "no policy names 驾驶证照片" in rows.why
    assert _related(rows)[0] == ("驾驶证或行驶证照片", "written", "驾驶证/行驶证照片", 1)


def test_an_answer_with_rows_says_which_whole_it_is_part_of(backend):
    rows = backend.who_receives("行驶证照片")
    assert {r["recipient"] for r in rows} == {"北京旷视科技有限公司", "腾讯云计算（北京）有限责任公司",
                                            "迈容智能科技（上海）有限公司"}  # 认证服务, line 2156
    assert rows.why is None
    assert _related(rows) == [("驾驶证或行驶证照片", "part", "车辆行驶证照片 is part of it", 1)]


def test_the_address_book_is_collected_not_shared(backend):
    rows = backend.who_receives("通讯录")
    assert list(rows) == []
    assert "no policy shares it" in rows.why and "permission 通讯录" in rows.why
    assert _related(rows)[0] == ("联系人信息", "permission", "通讯录", 10)


def test_movement_history_points_to_its_group(backend):
    rows = backend.who_receives("行踪轨迹")
    assert list(rows) == [] and "no policy names 行踪轨迹" in rows.why
    assert [r[:2] for r in _related(rows)] == [("地理位置信息", "group")]


def test_explicit_only_says_the_field_is_inside_a_group(backend):
    # 借款日期 is written only inside 借款相关信息（银行卡号、借款金额、借款日期、…） of the
    # 贷后管理 row (line 2375): no row writes it itself
    rows = backend.who_receives("借款日期", include_implied=False)
    assert list(rows) == []
    assert rows.why.startswith("no row writes 借款日期 itself; 4 row(s)") and "leave out --explicit" in rows.why
    assert len(backend.who_receives("借款日期")) == 4  # 广西嘉数, 广西广木 and their processors


def test_cli_says_why_on_stderr_exits_0_and_json_stays_rows():
    run = CliRunner().invoke(cli.app, ["who-receives", "人脸"])
    assert run.exit_code == 0
    lines = run.stderr.splitlines()
    assert lines[0] == "no recipient of 人脸: no policy names 人脸识别特征, the vocabulary's field for 人脸"
    assert lines[1].startswith("related: 面部照片 (alias 人脸照片: 9 recipients); 面部识别视频")
    assert len(lines) == 2  # the match is said once, in the why
    j = CliRunner().invoke(cli.app, ["who-receives", "人脸", "--json"])
    assert j.exit_code == 0 and json.loads(j.stdout) == [] and j.stderr == ""


def test_alternatives_share_the_last_ones_tail():
    assert alternatives("驾驶证/行驶证照片") == ["驾驶证照片", "行驶证照片"]
    assert alternatives("身份证") == [] and alternatives("Android ID/IDFA") == []
