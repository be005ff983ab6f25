"""The real local 市容 regulations (浙江 330000, 郑州 410100, 北京 110000), pinned to
``shared/domain/local-regulations.md``.

Amounts and articles were transcribed from local-regulations.md (its §1–§3 tables and the
§4 mapping), not from the TOML; only the item codes of the partial matches (≈) are the
encoders' choice. A direct match (=) gives the national delegated SRHW item its local
amount in that region and cites the local article; SRHW items without a direct match keep
no amount there; at 000000 no SRHW item has an amount. ``refused_correction`` stands for
the local texts' 逾期不改正 / 拒不改正 where the fine depends on it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner

import discretion.library
from discretion.cli import cli
from discretion.library import Library

NO_FINE = "no fine"
DELEGATED = "delegated"
Expected = tuple[int | str, int | str] | str
Cite = tuple[int, int | None, int | None]  # article, 款, 项 of the local regulation

ZJ, ZZ, BJ = "330000", "410100", "110000"
LAW = {
    ZJ: "浙江省城市市容和环境卫生管理条例",
    ZZ: "郑州市城市市容和环境卫生管理条例",
    BJ: "北京市市容环境卫生条例",
}
PERSON, ORG = "person", "organization"
SUBJECTS = (PERSON, ORG)
REFUSED: dict[str, Any] = {"refused_correction": True}
SERIOUS: dict[str, Any] = {"serious_consequence": True}


def lrow(region: str, code: str, subject: str, situation: str, facts: Mapping[str, Any],
         expected: Expected, cite: Cite | None = None) -> Any:
    return pytest.param(region, code, subject, dict(facts), expected, cite,
                        id=f"{region}-{code}-{subject}-{situation}")


def both(region: str, code: str, situation: str, facts: Mapping[str, Any], expected: Expected,
         cite: Cite | None = None) -> list[Any]:
    return [lrow(region, code, s, situation, facts, expected, cite) for s in SUBJECTS]


def split(region: str, code: str, situation: str, facts: Mapping[str, Any], person: Expected,
          organization: Expected, cite: Cite | None = None) -> list[Any]:
    return [lrow(region, code, PERSON, situation, facts, person, cite),
            lrow(region, code, ORG, situation, facts, organization, cite)]


def overdue(region: str, code: str, expected: Expected, cite: Cite, facts: Mapping[str, Any] | None = None,
            subjects: tuple[str, ...] = SUBJECTS) -> list[Any]:
    """A fine only after 逾期不改正: no fine while the order to correct is pending."""
    facts = dict(facts or {})
    return [r for s in subjects for r in (
        lrow(region, code, s, "plain", facts, NO_FINE),
        lrow(region, code, s, "refused", {**REFUSED, **facts}, expected, cite),
    )]


def check(library: Library, region: str, code: str, subject: str, facts: Mapping[str, Any],
          expected: Expected, cite: Cite | None) -> None:
    a = library.assess(code, subject=subject, facts={"corrected": False, **facts}, region=region)
    warnings = {w.code for w in a.warnings}
    got = None if a.statutory_fine is None else (a.statutory_fine.min, a.statutory_fine.max)
    if expected == DELEGATED:
        assert got is None, f"{code}@{region}: expected no amount, got {got}"
        assert "delegated-amount" in warnings, f"{code}@{region}: no delegated-amount warning"
    elif expected == NO_FINE:
        assert got is None, f"{code}@{region}: expected no fine, got {got}"
        assert not warnings & {"delegated-amount", "missing-amount"}, f"{code}@{region}: {warnings}"
    else:
        assert isinstance(expected, tuple)
        want = (Decimal(str(expected[0])), Decimal(str(expected[1])))
        assert got == want, (
            f"{code}@{region} {subject} {dict(facts)}: statutory fine {got}, local-regulations.md says {want}")
        assert "delegated-amount" not in warnings
    if cite is not None:
        law = LAW[region]
        cited = [(c.citation.article, c.citation.paragraph, c.citation.item)
                 for c in a.citations if c.role == "punishes" and c.citation.title == law]
        assert cite in cited, f"{code}@{region}: cites {cited} of {law}, expected {cite}"


PARAMS = "region, code, subject, facts, expected, cite"

# ---------------------------------------------------------------- direct matches (=), §4
ZJ_SRHW = [
    *both(ZJ, "SRHW-34-1", "plain", {}, (20, 50), (32, 2, None)),  # 32② 可 20–50
    *overdue(ZJ, "SRHW-34-2", (50, 300), (20, 3, None)),  # 20③ 逾期不清除
    *overdue(ZJ, "SRHW-34-3", (50, 500), (11, 3, None)),  # 11③
    *overdue(ZJ, "SRHW-35", (50, 500), (33, 4, None)),  # 33④ 没收，可 50–500
    *overdue(ZJ, "SRHW-36-1", (10_000, 100_000), (18, 5, None)),  # 18⑤
    lrow(ZJ, "SRHW-36-2", PERSON, "plain", {}, NO_FINE),  # 12③ 逾期→ 单位/个人
    lrow(ZJ, "SRHW-36-2", ORG, "plain", {}, NO_FINE),
    *split(ZJ, "SRHW-36-2", "refused", REFUSED, (200, 1_000), (500, 3_000), (12, 3, None)),
    *split(ZJ, "SRHW-36-3", "plain", {}, (1_000, 10_000), (100_000, 1_000_000), (39, 2, None)),  # 39②
    *split(ZJ, "SRHW-38", "plain", {}, (1_000, 10_000), (100_000, 1_000_000), (39, 2, None)),
]
ZZ_SRHW = [  # 第四十八条: 责令限期改正；逾期不改正的，按照下列规定处罚
    *overdue(ZZ, "SRHW-34-3", (20, 50), (48, None, 6)),  # 48(6) (22①)
    *overdue(ZZ, "SRHW-34-7", (200, 1_000), (48, None, 2)),  # 48(2) 围挡
    *overdue(ZZ, "SRHW-35", (50, 500), (48, None, 8)),  # 48(8)
    *overdue(ZZ, "SRHW-36-2", (100, 500), (48, None, 2), {"occupation_conduct": "stack"}),
    *overdue(ZZ, "SRHW-36-2", (500, 3_000), (48, None, 2), {"occupation_conduct": "build"}),
    *overdue(ZZ, "SRHW-36-3", (10_000, 100_000), (48, None, 15),
             {"sanitation_facility_kind": "garbage_disposal"}),
    *overdue(ZZ, "SRHW-36-3", (3_000, 10_000), (48, None, 15), {"sanitation_facility_kind": "other"}),
    *overdue(ZZ, "SRHW-37", (1_000, 3_000), (49, None, None)),  # 49 逾期未改造或者未拆除
    *overdue(ZZ, "SRHW-38", (10_000, 100_000), (48, None, 15),
             {"sanitation_facility_kind": "garbage_disposal"}),
    *overdue(ZZ, "SRHW-38", (3_000, 10_000), (48, None, 15), {"sanitation_facility_kind": "other"}),
]
BJ_SRHW = [
    *both(BJ, "SRHW-34-1", "plain", {}, (50, 50), (52, 2, None)),  # 52② 可 处五十元
    *both(BJ, "SRHW-34-1", "serious", SERIOUS, (200, 200), (52, 2, None)),  # 情节严重 二百元
    *both(BJ, "SRHW-34-2", "plain", {}, (100, 1_000), (41, 1, None)),  # 41①
    *both(BJ, "SRHW-34-2", "serious", SERIOUS, (1_000, 10_000), (41, 1, None)),
    *overdue(BJ, "SRHW-34-3", (50, 500), (26, 2, None)),  # 26② 逾期
    *both(BJ, "SRHW-34-5", "area-keeper", {"sanitation_duty": "area_keeper"}, (200, 1_000), (24, 2, None)),
    *both(BJ, "SRHW-34-5", "cleaning-unit", {"sanitation_duty": "cleaning_unit"}, (100, 1_000),
          (45, None, None)),
    *both(BJ, "SRHW-34-5", "excrement", {"sanitation_duty": "excrement"}, (1_000, 2_000), (58, 3, None)),
    *both(BJ, "SRHW-34-7", "plain", {}, (2_000, 20_000), (46, None, None)),  # 46
    *both(BJ, "SRHW-35", "1-animal", {"animal_count": 1}, (20, 50), (53, 1, None)),  # 每只（头）20–50
    *both(BJ, "SRHW-35", "10-animals", {"animal_count": 10}, (200, 500), (53, 1, None)),
    *both(BJ, "SRHW-36-2", "stack", {"occupation_conduct": "stack"}, (500, 5_000), (35, 5, None)),
    # 27① 逾期未拆除: 建筑物每平方米 300–3000; 构筑物、其他设施 工程造价一倍
    *overdue(BJ, "SRHW-36-2", (3_000, 30_000), (27, 1, None),
             {"occupation_conduct": "build", "structure_kind": "building", "building_area_m2": 10}),
    *overdue(BJ, "SRHW-36-2", (45_000, 45_000), (27, 1, None),
             {"occupation_conduct": "build", "structure_kind": "other", "construction_cost": 45_000}),
    *both(BJ, "SRHW-36-3", "plain", {}, (5_000, 50_000), (61, 3, None)),  # 61③ (61②)
    *both(BJ, "SRHW-38", "plain", {}, (500, 3_000), (61, 3, None)),  # 61③ (61①)
]

# SRHW items without a direct match in the region keep no amount there (§4: ≈ or none).
UNMATCHED = {
    ZJ: ("SRHW-34-4", "SRHW-34-5", "SRHW-34-6", "SRHW-34-7", "SRHW-37"),
    ZZ: ("SRHW-34-1", "SRHW-34-2", "SRHW-34-4", "SRHW-34-5", "SRHW-34-6", "SRHW-36-1"),
    BJ: ("SRHW-34-4", "SRHW-34-6", "SRHW-36-1", "SRHW-37"),
}
UNMATCHED_ROWS = [
    r
    for region, codes in UNMATCHED.items()
    for code in codes
    for r in both(region, code, "plain", {}, DELEGATED) + both(region, code, "refused", REFUSED, DELEGATED)
]


@pytest.mark.parametrize(PARAMS, ZJ_SRHW + ZZ_SRHW + BJ_SRHW + UNMATCHED_ROWS)
def test_srhw_local_amounts(library: Library, region: str, code: str, subject: str,
                            facts: dict[str, Any], expected: Expected, cite: Cite | None) -> None:
    check(library, region, code, subject, facts, expected, cite)


def test_every_srhw_code_is_mapped_once() -> None:
    """The rows above cover each of the 13 SRHW items once per region: matched or not."""
    srhw = {f"SRHW-34-{i}" for i in range(1, 8)} | {"SRHW-35", "SRHW-36-1", "SRHW-36-2", "SRHW-36-3",
                                                     "SRHW-37", "SRHW-38"}
    for region, rows in ((ZJ, ZJ_SRHW), (ZZ, ZZ_SRHW), (BJ, BJ_SRHW)):
        matched = {p.values[1] for p in rows}
        assert matched.isdisjoint(UNMATCHED[region]), region
        assert matched | set(UNMATCHED[region]) == srhw, region


# At 000000 the same cases have no amount: the national regulation delegates it.
NATIONAL_ROWS = [
    pytest.param("000000", p.values[1], p.values[2], p.values[3], DELEGATED, None,
                 id=f"000000-{p.id}")
    for p in ZJ_SRHW + ZZ_SRHW + BJ_SRHW
    if isinstance(p.values[4], tuple)
]


@pytest.mark.parametrize(PARAMS, NATIONAL_ROWS)
def test_srhw_national_has_no_amount(library: Library, region: str, code: str, subject: str,
                                     facts: dict[str, Any], expected: Expected, cite: Cite | None) -> None:
    check(library, region, code, subject, facts, expected, cite)


def test_lower_regions_inherit_the_provincial_amount(library: Library) -> None:
    """杭州市上城区 (330102) has no documents of its own: the 浙江 amount applies."""
    a = library.assess("SRHW-34-1", subject=PERSON, facts={"corrected": False}, region="330102")
    assert a.statutory_fine is not None
    assert (a.statutory_fine.min, a.statutory_fine.max) == (Decimal(20), Decimal(50))


# ---------------------------------------------------------------- partial matches (≈): own items
ZJ_OWN = [
    *overdue(ZJ, "ZJSR-11-K3", (50, 500), (11, 3, None)),  # 外立面
    lrow(ZJ, "ZJSR-12-K3", PERSON, "plain", {}, NO_FINE),  # 12② 临时建筑物整洁
    *split(ZJ, "ZJSR-12-K3", "refused", REFUSED, (200, 1_000), (500, 3_000), (12, 3, None)),
    lrow(ZJ, "ZJSR-13-K3", ORG, "plain", {}, NO_FINE),
    *split(ZJ, "ZJSR-13-K3", "refused", REFUSED, (200, 1_000), (500, 3_000), (13, 3, None)),
    *overdue(ZJ, "ZJSR-14-K3", (500, 3_000), (14, 3, None), subjects=(ORG,)),  # 设置或者管理单位
    *overdue(ZJ, "ZJSR-16-K3", (0, 50), (16, 3, None)),  # 拒不改正 可 五十元以下
    *overdue(ZJ, "ZJSR-17-K3", (100, 1_000), (17, 3, None)),  # 店外经营
    *overdue(ZJ, "ZJSR-17-K3-2", (500, 3_000), (17, 3, None)),  # 车辆清洗、维修…
    *overdue(ZJ, "ZJSR-18-K4", (1_000, 10_000), (18, 4, None), {"outdoor_facility_kind": "advertising"}),
    *overdue(ZJ, "ZJSR-18-K4", (200, 2_000), (18, 4, None), {"outdoor_facility_kind": "other"}),
    *overdue(ZJ, "ZJSR-18-K6", (50, 500), (18, 6, None)),
    *overdue(ZJ, "ZJSR-21-K3", (2_000, 20_000), (21, 3, None), subjects=(ORG,)),  # 运营企业
    *split(ZJ, "ZJSR-28-K4", "plain", {}, (0, 200), (100_000, 1_000_000), (28, 4, None)),
    *overdue(ZJ, "ZJSR-29-K4", (1_000, 5_000), (29, 4, None)),
    *both(ZJ, "ZJSR-30-K3", "plain", {}, (500, 2_000), (30, 3, None)),
    *both(ZJ, "ZJSR-32-K2", "plain", {}, (100, 500), (32, 2, None)),  # 乱倒生活垃圾…
    *both(ZJ, "ZJSR-33-K5", "plain", {}, (20, 50), (33, 5, None)),
    *overdue(ZJ, "ZJSR-38-K4", (500, 3_000), (38, 4, None), subjects=(ORG,)),  # 经营管理单位
]
ZZ_OWN = [
    *overdue(ZZ, "ZZSR-48-1", (500, 1_000), (48, None, 1)),
    *overdue(ZZ, "ZZSR-48-1-2", (1_000, 5_000), (48, None, 1)),
    *overdue(ZZ, "ZZSR-48-3", (200, 2_000), (48, None, 3)),
    *overdue(ZZ, "ZZSR-48-4", (50, 500), (48, None, 4)),
    *overdue(ZZ, "ZZSR-48-5", (500, 2_000), (48, None, 5)),
    *overdue(ZZ, "ZZSR-48-6", (20, 50), (48, None, 6)),
    *overdue(ZZ, "ZZSR-48-6-2", (200, 2_000), (48, None, 6)),
    *overdue(ZZ, "ZZSR-48-6-3", (50, 500), (48, None, 6)),
    *overdue(ZZ, "ZZSR-48-7", (50, 200), (48, None, 7)),
    *overdue(ZZ, "ZZSR-48-9", (0, 200), (48, None, 9), subjects=(PERSON,)),
    *overdue(ZZ, "ZZSR-48-9", (500, 3_000), (48, None, 9), subjects=(ORG,)),
    *overdue(ZZ, "ZZSR-48-10", (10_000, 100_000), (48, None, 10), {"role": "construction"}, (ORG,)),
    *overdue(ZZ, "ZZSR-48-10", (5_000, 30_000), (48, None, 10), {"role": "builder"}, (ORG,)),
    *overdue(ZZ, "ZZSR-48-10", (5_000, 30_000), (48, None, 10), {"role": "transporter"}, (ORG,)),
    # 48(11) 可 应交垃圾处置费三倍以下且不超过三万元 / 一千元
    *overdue(ZZ, "ZZSR-48-11", (0, 15_000), (48, None, 11), {"fee_owed": 5_000}, (ORG,)),
    lrow(ZZ, "ZZSR-48-11", ORG, "refused-fee-20000-above-cap", {**REFUSED, "fee_owed": 20_000},
         (0, 30_000), (48, None, 11)),
    lrow(ZZ, "ZZSR-48-11", PERSON, "refused-fee-200-below-cap", {**REFUSED, "fee_owed": 200},
         (0, 600), (48, None, 11)),
    lrow(ZZ, "ZZSR-48-11", PERSON, "refused-fee-500-above-cap", {**REFUSED, "fee_owed": 500},
         (0, 1_000), (48, None, 11)),
    *overdue(ZZ, "ZZSR-48-12", (0, 200), (48, None, 12), subjects=(PERSON,)),
    *overdue(ZZ, "ZZSR-48-12", (5_000, 50_000), (48, None, 12), subjects=(ORG,)),
    *overdue(ZZ, "ZZSR-48-13", (100, 500), (48, None, 13)),
    *overdue(ZZ, "ZZSR-48-14", (3_000, 30_000), (48, None, 14)),
    *overdue(ZZ, "ZZSR-50", (500, 2_000), (50, None, None)),  # 逾期 强制拆除，可 500–2000
]
BJ_OWN = [
    *overdue(BJ, "BJSR-26-K2", (50, 500), (26, 2, None)),
    *both(BJ, "BJSR-31-K2", "plain", {}, (200, 2_000), (31, 2, None)),
    *both(BJ, "BJSR-34", "plain", {}, (500, 5_000), (34, None, None)),
    *both(BJ, "BJSR-35-K5", "plain", {}, (500, 5_000), (35, 5, None)),  # 摆摊设点
    *both(BJ, "BJSR-35-K5-2", "plain", {}, (1_000, 10_000), (35, 5, None)),  # 经批准举办活动
    *both(BJ, "BJSR-35-K5-3", "plain", {}, (300, 3_000), (35, 5, None)),  # 店外经营
    *both(BJ, "BJSR-36-K2", "plain", {}, (20, 50), (36, 2, None)),
    *overdue(BJ, "BJSR-38-K2", (10_000, 100_000), (38, 2, None)),
    *overdue(BJ, "BJSR-39-K1", (500, 5_000), (39, 1, None)),
    *both(BJ, "BJSR-39-K2", "plain", {}, (500, 5_000), (39, 2, None)),
    *both(BJ, "BJSR-41-K2", "plain", {}, (10_000, 100_000), (41, 2, None)),
    *both(BJ, "BJSR-41-K2", "serious", SERIOUS, (100_000, 500_000), (41, 2, None)),
    *overdue(BJ, "BJSR-43-K4", (500, 5_000), (43, 4, None)),
    *overdue(BJ, "BJSR-44-K2", (500, 1_000), (44, 2, None)),
    *both(BJ, "BJSR-47", "plain", {}, (500, 5_000), (47, None, None)),
    *both(BJ, "BJSR-48", "plain", {}, (500, 5_000), (48, None, None)),
    *both(BJ, "BJSR-50-K3", "plain", {}, (50, 300), (50, 3, None)),
    *both(BJ, "BJSR-50-K3", "serious", SERIOUS, (300, 3_000), (50, 3, None)),
    *both(BJ, "BJSR-51", "plain", {}, (300, 3_000), (51, None, None)),
    *both(BJ, "BJSR-52-K2", "plain", {}, (50, 50), (52, 2, None)),  # 乱倒污水、垃圾，焚烧
    *both(BJ, "BJSR-52-K2", "serious", SERIOUS, (200, 200), (52, 2, None)),
    *both(BJ, "BJSR-53-K2", "plain", {}, (50, 500), (53, 2, None)),  # 鸽舍
    *both(BJ, "BJSR-55", "plain", {}, (5_000, 10_000), (55, None, None)),
    *both(BJ, "BJSR-57-K2", "plain", {}, (500, 3_000), (57, 2, None)),
    *both(BJ, "BJSR-58-K3", "plain", {}, (5_000, 50_000), (58, 3, None)),  # 随意倾倒粪便
    *both(BJ, "BJSR-60-K3", "plain", {}, (5_000, 30_000), (60, 3, None)),
]


@pytest.mark.parametrize(PARAMS, ZJ_OWN + ZZ_OWN + BJ_OWN)
def test_local_items(library: Library, region: str, code: str, subject: str,
                     facts: dict[str, Any], expected: Expected, cite: Cite | None) -> None:
    check(library, region, code, subject, facts, expected, cite)


PREFIX = {ZJ: "ZJSR-", ZZ: "ZZSR-", BJ: "BJSR-"}


@pytest.fixture
def runner(library: Library, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner that reuses the session's library instead of loading it per call."""
    monkeypatch.setattr(discretion.library, "load", lambda *a, **k: library)
    return CliRunner()


@pytest.mark.parametrize("region", [ZJ, ZZ, BJ])
def test_list_shows_local_items_only_in_their_region(library: Library, runner: CliRunner, region: str) -> None:
    res = runner.invoke(cli, ["list", "--region", region, "--json"])
    assert res.exit_code == 0, res.output
    codes = {i["code"] for i in json.loads(res.output)["items"]}
    own = {c for c in codes if c.startswith(PREFIX[region])}
    rows = {p.values[1] for p in ZJ_OWN + ZZ_OWN + BJ_OWN if p.values[0] == region}
    assert rows <= own, f"{region}: missing {sorted(rows - own)}"
    assert own <= rows, f"{region}: items without a row here: {sorted(own - rows)}"
    for other, prefix in PREFIX.items():
        if other != region:
            assert not any(c.startswith(prefix) for c in codes), f"{prefix} items leak into {region}"
    national = {i.code for i in library.items("000000")}
    assert not any(c.startswith(tuple(PREFIX.values())) for c in national)
    assert national <= codes


# ---------------------------------------------------------------- the documents
DOCS = [
    # region, title, level, issuer, accepted version dates
    (ZJ, LAW[ZJ], "provincial", "浙江省人民代表大会常务委员会", {"2021-09-29", "2021-09-30"}),
    (ZZ, LAW[ZZ], "municipal", "郑州市人民代表大会常务委员会", {"2020-04-29", "2020-06-03", "2020-08-05"}),
    (BJ, LAW[BJ], "provincial", "北京市人民代表大会常务委员会", {"2021-09-24"}),
]


@pytest.mark.parametrize("region, title, level, issuer, dates", DOCS, ids=[d[0] for d in DOCS])
def test_local_documents(library: Library, region: str, title: str, level: str, issuer: str,
                         dates: set[str]) -> None:
    docs = [d for d in library.documents if d.title == title]
    assert len(docs) == 1, f"{title}: {len(docs)} documents"
    doc = docs[0]
    assert (doc.region, doc.kind, doc.level, doc.status) == (region, "statute", level, "official")
    assert issuer in doc.issuer, doc.issuer
    assert doc.source, f"{title}: no source"
    assert doc.effective in {dt.date.fromisoformat(d) for d in dates}, doc.effective
