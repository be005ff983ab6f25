"""The shipped national statutes, pinned to the ranges in ``shared/domain/statutes.md``.

The expected values below were transcribed from statutes.md (row numbers in the comments),
not from the TOML, so that a slip in the encoding shows up as a failing row. Each row is
(item code, subject, situation, facts, expected statutory fine) assessed at 000000 with
``corrected = False`` so that no exemption applies. ``expected`` is ``(min, max)`` in yuan,
``NO_FINE`` (the bracket imposes no fine) or ``DELEGATED`` (the statute leaves the amount to
local law, and the result must say so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from discretion.library import Library
from discretion.model import Assessment

NO_FINE = "no fine"
DELEGATED = "delegated"
Expected = tuple[int | str, int | str] | str

PERSON = "person"
ORG = "organization"
SUBJECTS = (PERSON, ORG)

REFUSED: dict[str, Any] = {"refused_correction": True}
SERIOUS: dict[str, Any] = {"serious_consequence": True}


def row(code: str, subject: str, situation: str, facts: Mapping[str, Any], expected: Expected,
        xfail: str | None = None) -> Any:
    """One parametrize row with a readable id; ``xfail`` marks a known data error."""
    marks = [pytest.mark.xfail(reason=f"data: {xfail}", strict=True)] if xfail else []
    return pytest.param(code, subject, dict(facts), expected, id=f"{code}-{subject}-{situation}",
                        marks=marks)


def both(code: str, situation: str, facts: Mapping[str, Any], expected: Expected) -> list[Any]:
    """The same range for persons and organizations (the text does not distinguish them)."""
    return [row(code, s, situation, facts, expected) for s in SUBJECTS]


def split(code: str, situation: str, facts: Mapping[str, Any], person: Expected,
          organization: Expected) -> list[Any]:
    """Separate ranges for 个人 and 单位."""
    return [row(code, PERSON, situation, facts, person), row(code, ORG, situation, facts, organization)]


def check(library: Library, code: str, subject: str, facts: Mapping[str, Any],
          expected: Expected, region: str = "000000") -> Assessment:
    """Assess and compare the statutory fine with the expected value."""
    a = library.assess(code, subject=subject, facts={"corrected": False, **facts}, region=region)
    warnings = {w.code for w in a.warnings}
    got = None if a.statutory_fine is None else (a.statutory_fine.min, a.statutory_fine.max)
    if expected == DELEGATED:
        assert got is None, f"{code}: expected no amount (delegated), got {got}"
        assert "delegated-amount" in warnings, f"{code}: no delegated-amount warning: {warnings}"
    elif expected == NO_FINE:
        assert got is None, f"{code}: expected no fine, got {got}"
        assert "delegated-amount" not in warnings, f"{code}: says delegated, the text sets no fine"
        assert "missing-amount" not in warnings, f"{code}: missing facts {a.missing_facts}"
        assert all(p.id != "fine" for p in a.penalties), f"{code}: lists a fine without an amount"
    else:
        assert isinstance(expected, tuple)
        want = (Decimal(str(expected[0])), Decimal(str(expected[1])))
        assert got == want, f"{code} {subject} {dict(facts)}: statutory fine {got}, statutes.md says {want}"
        assert "delegated-amount" not in warnings
        assert any(p.id == "fine" for p in a.penalties), f"{code}: a fine range but no 罚款 penalty line"
    return a


PARAMS = "code, subject, facts, expected"

# ---------------------------------------------------------------- 1. 城市市容和环境卫生管理条例
# The national regulation sets no amount at all (1.1–1.13): every item is delegated.
SRHW = [
    r
    for code in ("SRHW-34-1", "SRHW-34-2", "SRHW-34-3", "SRHW-34-4", "SRHW-34-5", "SRHW-34-6",
                 "SRHW-34-7", "SRHW-35", "SRHW-36-1", "SRHW-36-2", "SRHW-36-3", "SRHW-37", "SRHW-38")
    for r in both(code, "plain", {}, DELEGATED) + both(code, "refused", REFUSED, DELEGATED)
]


@pytest.mark.parametrize(PARAMS, SRHW)
def test_srhw(library: Library, code: str, subject: str, facts: dict[str, Any], expected: Expected) -> None:
    check(library, code, subject, facts, expected)


# ---------------------------------------------------------------- 2. 城乡规划法
CORRECTABLE = {"correctable": True, "construction_cost": 1_000_000}
CXGH = [
    # 2.1a 尚可采取改正措施: 建设工程造价 5%–10%
    *both("CXGH-64", "correctable-1e6", CORRECTABLE, (50_000, 100_000)),
    *both("CXGH-64", "correctable-250000", {"correctable": True, "construction_cost": 250_000},
          (12_500, 25_000)),
    *both("CXGH-64", "correctable-333333", {"correctable": True, "construction_cost": 333_333},
          ("16666.65", "33333.3")),
    # 2.1b 无法采取改正措施: 限期拆除 (no fine); 不能拆除 → 可以并处造价 10% 以下
    *both("CXGH-64", "demolishable", {"correctable": False, "demolishable": True,
                                      "construction_cost": 1_000_000}, NO_FINE),
    *both("CXGH-64", "not-demolishable", {"correctable": False, "demolishable": False,
                                          "construction_cost": 1_000_000}, (0, 100_000)),
    # 2.3 临时建设工程造价一倍以下
    *both("CXGH-66", "cost-200000", {"temporary_cost": 200_000}, (0, 200_000)),
    *both("CXGH-66", "cost-12345.67", {"temporary_cost": "12345.67"}, (0, "12345.67")),
    # 2.4 责令限期补报; 逾期不补报 1万–5万
    *both("CXGH-67", "plain", {}, NO_FINE),
    *both("CXGH-67", "refused", REFUSED, (10_000, 50_000)),
]


@pytest.mark.parametrize(PARAMS, CXGH)
def test_cxgh(library: Library, code: str, subject: str, facts: dict[str, Any], expected: Expected) -> None:
    check(library, code, subject, facts, expected)


# ---------------------------------------------------------------- 3. 城市道路管理条例
CSDL = [
    # 3.1–3.7 第四十二条: 可以处以2万元以下
    *[r for code in ("CSDL-42", "CSDL-42-1", "CSDL-42-2", "CSDL-42-3", "CSDL-42-4", "CSDL-42-5",
                     "CSDL-42-6") for r in both(code, "plain", {}, (0, 20_000))],
    # 3.8 第四十条: 工程造价2%以下
    *both("CSDL-40", "cost-1e6", {"construction_cost": 1_000_000}, (0, 20_000)),
    *both("CSDL-40", "cost-75000", {"construction_cost": 75_000}, (0, 1_500)),
    # 3.9 第三十九条: 可以并处3万元以下 (情节严重: 提请吊销资格证书, the fine is the same)
    *both("CSDL-39", "plain", {}, (0, 30_000)),
    *both("CSDL-39", "serious", SERIOUS, (0, 30_000)),
]


@pytest.mark.parametrize(PARAMS, CSDL)
def test_csdl(library: Library, code: str, subject: str, facts: dict[str, Any], expected: Expected) -> None:
    check(library, code, subject, facts, expected)


# ---------------------------------------------------------------- 4. 城市绿化条例
# 4.1–4.3: 可以并处罚款 without an amount.
CSLH = [
    r
    for code in ("CSLH-26-1", "CSLH-26-2", "CSLH-26-3", "CSLH-26-4", "CSLH-27", "CSLH-28")
    for r in both(code, "plain", {}, DELEGATED)
]


@pytest.mark.parametrize(PARAMS, CSLH)
def test_cslh(library: Library, code: str, subject: str, facts: dict[str, Any], expected: Expected) -> None:
    check(library, code, subject, facts, expected)


# ---------------------------------------------------------------- 5. 城镇排水与污水处理条例
CZPS = [
    *both("CZPS-48", "plain", {}, (50_000, 100_000)),  # 5.1
    # 5.2 警告; 逾期不改正或者造成严重后果: 单位10万–20万, 个人2万–10万
    *both("CZPS-49", "plain", {}, NO_FINE),
    *split("CZPS-49", "refused", REFUSED, (20_000, 100_000), (100_000, 200_000)),
    *split("CZPS-49", "serious", SERIOUS, (20_000, 100_000), (100_000, 200_000)),
    *both("CZPS-50-K1", "plain", {}, (0, 500_000)),  # 5.3
    *both("CZPS-50-K2", "plain", {}, (0, 50_000)),  # 5.4
    *both("CZPS-50-K2", "serious", SERIOUS, (50_000, 500_000)),
    *both("CZPS-51", "plain", {}, NO_FINE),  # 5.5
    *both("CZPS-51", "serious", SERIOUS, (100_000, 200_000)),
    *both("CZPS-52-K1", "plain", {}, (0, 50_000)),  # 5.6
    *both("CZPS-52-K2", "plain", {}, NO_FINE),  # 5.7
    *both("CZPS-52-K2", "serious", SERIOUS, (100_000, 500_000)),
    *both("CZPS-53-K1", "plain", {}, NO_FINE),  # 5.8
    *both("CZPS-53-K1", "serious", SERIOUS, (100_000, 200_000)),
    *both("CZPS-53-K2", "plain", {}, NO_FINE),  # 5.9
    *split("CZPS-53-K2", "serious", SERIOUS, (20_000, 100_000), (100_000, 500_000)),
    # 5.10 逾期拒不缴纳: 应缴纳污水处理费 1–3 倍
    *both("CZPS-54", "plain", {"fee_owed": 5_000}, NO_FINE),
    *both("CZPS-54", "refused-fee-5000", {**REFUSED, "fee_owed": 5_000}, (5_000, 15_000)),
    *both("CZPS-54", "refused-fee-1234.5", {**REFUSED, "fee_owed": "1234.5"}, ("1234.5", "3703.5")),
    *both("CZPS-55", "plain", {}, NO_FINE),  # 5.11
    *both("CZPS-55", "serious", SERIOUS, (100_000, 500_000)),
    *both("CZPS-56", "plain", {}, NO_FINE),  # 5.12
    *split("CZPS-56", "serious", SERIOUS, (20_000, 100_000), (100_000, 300_000)),
    *both("CZPS-57-K1", "plain", {}, (20_000, 50_000)),  # 5.13
    *both("CZPS-57-K1", "serious", SERIOUS, (50_000, 100_000)),
    *both("CZPS-57-K2", "plain", {}, (50_000, 100_000)),  # 5.14
    *both("CZPS-57-K2", "serious", SERIOUS, (100_000, 300_000)),
]


@pytest.mark.parametrize(PARAMS, CZPS)
def test_czps(library: Library, code: str, subject: str, facts: dict[str, Any], expected: Expected) -> None:
    check(library, code, subject, facts, expected)


# ---------------------------------------------------------------- 6. 城市建筑垃圾管理规定
JZLJ = [
    *split("JZLJ-20-1", "plain", {}, (0, 200), (0, 3_000)),  # 6.1
    *split("JZLJ-20-3", "plain", {}, (0, 3_000), (5_000, 10_000)),  # 6.2
    *both("JZLJ-21", "plain", {}, (5_000, 10_000)),  # 6.3 (P)
    *both("JZLJ-22-K1", "plain", {}, (5_000, 50_000)),  # 6.4
    *both("JZLJ-22-K2", "plain", {}, (10_000, 100_000)),  # 6.5
    *both("JZLJ-23", "plain", {}, (5_000, 50_000)),  # 6.6 (P)
    *both("JZLJ-24", "plain", {}, (5_000, 20_000)),  # 6.7 (P)
    # 6.8 施工单位 1万–10万; 建设单位、运输单位 5000–3万 (units: organizations)
    row("JZLJ-25", ORG, "construction", {"role": "construction"}, (10_000, 100_000)),
    row("JZLJ-25", ORG, "builder", {"role": "builder"}, (5_000, 30_000)),
    row("JZLJ-25", ORG, "transporter", {"role": "transporter"}, (5_000, 30_000)),
    *split("JZLJ-26", "plain", {}, (0, 200), (5_000, 50_000)),  # 6.9
]


@pytest.mark.parametrize(PARAMS, JZLJ)
def test_jzlj(library: Library, code: str, subject: str, facts: dict[str, Any], expected: Expected) -> None:
    check(library, code, subject, facts, expected)


# ---------------------------------------------------------------- 7. 城市生活垃圾管理办法
SHLJ = [
    # 7.1 逾期不改正: 单位 三倍以下且不超过3万元, 个人 三倍以下且不超过1000元
    *both("SHLJ-38", "plain", {"fee_owed": 5_000}, NO_FINE),
    row("SHLJ-38", ORG, "refused-fee-5000-below-cap", {**REFUSED, "fee_owed": 5_000}, (0, 15_000)),
    row("SHLJ-38", ORG, "refused-fee-10000-at-cap", {**REFUSED, "fee_owed": 10_000}, (0, 30_000)),
    row("SHLJ-38", ORG, "refused-fee-20000-above-cap", {**REFUSED, "fee_owed": 20_000}, (0, 30_000)),
    row("SHLJ-38", PERSON, "refused-fee-200-below-cap", {**REFUSED, "fee_owed": 200}, (0, 600)),
    row("SHLJ-38", PERSON, "refused-fee-333.33-below-cap", {**REFUSED, "fee_owed": "333.33"},
        (0, "999.99")),
    row("SHLJ-38", PERSON, "refused-fee-500-above-cap", {**REFUSED, "fee_owed": 500}, (0, 1_000)),
    row("SHLJ-38", PERSON, "refused-fee-5000-above-cap", {**REFUSED, "fee_owed": 5_000}, (0, 1_000)),
    *both("SHLJ-39", "plain", {}, (0, 10_000)),  # 7.2
    # 7.3 工程合同价款 2%–4%
    *both("SHLJ-40", "price-1e6", {"contract_price": 1_000_000}, (20_000, 40_000)),
    *both("SHLJ-40", "price-12345", {"contract_price": 12_345}, ("246.9", "493.8")),
    *both("SHLJ-41", "plain", {}, (10_000, 100_000)),  # 7.4
    *split("SHLJ-42", "plain", {}, (0, 200), (5_000, 50_000)),  # 7.5
    *both("SHLJ-43", "plain", {}, (30_000, 30_000)),  # 7.6 并处以3万元
    *both("SHLJ-44", "plain", {}, (5_000, 50_000)),  # 7.7 (P)
    *both("SHLJ-45-1", "plain", {}, (5_000, 30_000)),  # 7.8
    *both("SHLJ-45-2", "plain", {}, (30_000, 100_000)),  # 7.9
]


@pytest.mark.parametrize(PARAMS, SHLJ)
def test_shlj(library: Library, code: str, subject: str, facts: dict[str, Any], expected: Expected) -> None:
    check(library, code, subject, facts, expected)


# ---------------------------------------------------------------- 8. 固体废物污染环境防治法
GTFW = [
    *split("GTFW-111-1", "plain", {}, (100, 500), (50_000, 500_000)),  # 8.1
    *split("GTFW-111-2", "plain", {}, NO_FINE, (100_000, 1_000_000)),  # 8.2 单位 only
    *split("GTFW-111-3", "plain", {}, NO_FINE, (100_000, 1_000_000)),  # 8.3
    *split("GTFW-111-4", "plain", {}, NO_FINE, (100_000, 1_000_000)),  # 8.4
    *split("GTFW-111-5", "plain", {}, (100, 500), (100_000, 1_000_000)),  # 8.5
    *split("GTFW-111-6", "plain", {}, NO_FINE, (100_000, 1_000_000)),  # 8.6
    *split("GTFW-111-7", "plain", {}, (100, 500), (50_000, 500_000)),  # 8.7
    # 8.8 责令改正; 情节严重: 单位5万–50万, 个人「依法处以罚款」(amount set locally)
    *both("GTFW-111-K3", "plain", {}, NO_FINE),
    *split("GTFW-111-K3", "serious", SERIOUS, DELEGATED, (50_000, 500_000)),
    # 8.9 20万–200万; 造成严重后果 200万–500万
    *both("GTFW-108-K2", "plain", {}, (200_000, 2_000_000)),
    *both("GTFW-108-K2", "serious", SERIOUS, (2_000_000, 5_000_000)),
]


@pytest.mark.parametrize(PARAMS, GTFW)
def test_gtfw(library: Library, code: str, subject: str, facts: dict[str, Any], expected: Expected) -> None:
    check(library, code, subject, facts, expected)


# ---------------------------------------------------------------- 9. 大气污染防治法
DQWR = [
    # 9.1 拒不改正: 责令停工整治, the fine is the same
    *both("DQWR-115-K1", "plain", {}, (10_000, 100_000)),
    *both("DQWR-115-K1", "refused", REFUSED, (10_000, 100_000)),
    *both("DQWR-115-K2", "plain", {}, (10_000, 100_000)),  # 9.2
    *both("DQWR-116", "plain", {}, (2_000, 20_000)),  # 9.3
    *both("DQWR-116", "refused", REFUSED, (2_000, 20_000)),
    *both("DQWR-117", "plain", {}, (10_000, 100_000)),  # 9.4
    *both("DQWR-118-K1", "plain", {}, (5_000, 50_000)),  # 9.5
    *both("DQWR-118-K1", "refused", REFUSED, (5_000, 50_000)),
    # 9.6 责令改正; 拒不改正: 予以关闭并罚款 1万–10万
    *both("DQWR-118-K2", "plain", {}, NO_FINE),
    *both("DQWR-118-K2", "refused", REFUSED, (10_000, 100_000)),
    *both("DQWR-118-K3", "plain", {}, (500, 20_000)),  # 9.7
    *both("DQWR-119-K1", "plain", {}, (500, 2_000)),  # 9.8
    *split("DQWR-119-K2", "plain", {}, (500, 2_000), (10_000, 100_000)),  # 9.9
    *both("DQWR-119-K3", "plain", {}, DELEGATED),  # 9.10 依法予以处罚
]


@pytest.mark.parametrize(PARAMS, DQWR)
def test_dqwr(library: Library, code: str, subject: str, facts: dict[str, Any], expected: Expected) -> None:
    check(library, code, subject, facts, expected)


# ---------------------------------------------------------------- 10. 噪声污染防治法
ZSWR = [
    *both("ZSWR-77", "plain", {}, (10_000, 100_000)),  # 10.1 (拒不改正: 暂停施工)
    *both("ZSWR-77", "refused", REFUSED, (10_000, 100_000)),
    *both("ZSWR-78", "plain", {}, (5_000, 50_000)),  # 10.2
    *both("ZSWR-78", "refused", REFUSED, (50_000, 200_000)),
    *both("ZSWR-81", "plain", {}, (5_000, 50_000)),  # 10.3
    *both("ZSWR-81", "refused", REFUSED, (50_000, 200_000)),
    # 10.4 说服教育，责令改正; 拒不改正: 警告，可以并处 个人200–1000, 单位2000–2万
    *both("ZSWR-82", "plain", {}, NO_FINE),
    *split("ZSWR-82", "refused", REFUSED, (200, 1_000), (2_000, 20_000)),
]


@pytest.mark.parametrize(PARAMS, ZSWR)
def test_zswr(library: Library, code: str, subject: str, facts: dict[str, Any], expected: Expected) -> None:
    check(library, code, subject, facts, expected)


# ---------------------------------------------------------------- versions and issuers
# (title, accepted version dates, issuer must contain). Where statutes.md leaves the last
# revision open (城市道路 2019?, 城市绿化 2017?), each date it names is accepted.
VERSIONS = [
    ("城市市容和环境卫生管理条例", {"2017-03-01"}, "国务院"),
    ("中华人民共和国城乡规划法", {"2019-04-23"}, "全国人民代表大会常务委员会"),
    ("城市道路管理条例", {"2017-03-01", "2019-03-24"}, "国务院"),
    ("城市绿化条例", {"2011-01-08", "2017-03-01"}, "国务院"),
    ("城镇排水与污水处理条例", {"2014-01-01"}, "国务院"),
    ("城市建筑垃圾管理规定", {"2005-06-01"}, "建设部"),
    ("城市生活垃圾管理办法", {"2015-05-04"}, "建设部"),
    ("中华人民共和国固体废物污染环境防治法", {"2020-09-01"}, "全国人民代表大会常务委员会"),
    ("中华人民共和国大气污染防治法", {"2018-10-26"}, "全国人民代表大会常务委员会"),
    ("中华人民共和国噪声污染防治法", {"2022-06-05"}, "全国人民代表大会常务委员会"),
]


@pytest.mark.parametrize("title, dates, issuer", VERSIONS, ids=[v[0] for v in VERSIONS])
def test_statute_versions(library: Library, title: str, dates: set[str], issuer: str) -> None:
    docs = [d for d in library.documents if d.title == title and d.region == "000000"]
    assert docs, f"no national document titled {title}"
    for doc in docs:
        assert doc.kind == "statute" and doc.level == "national" and doc.status == "official"
        assert doc.effective in {dt.date.fromisoformat(d) for d in dates}, (
            f"{title}: version {doc.effective}, statutes.md gives {sorted(dates)}")
        assert issuer in doc.issuer, f"{title}: issuer {doc.issuer!r}, expected {issuer}"


# ---------------------------------------------------------------- 处罚依据 and 违法依据
Cite = tuple[int, int | None, int | None]  # article, paragraph (款), item (项); None = any

# 处罚依据 as statutes.md gives them (column 处罚依据).
PUNISHES: dict[str, list[Cite]] = {
    **{f"SRHW-34-{i}": [(34, None, i)] for i in range(1, 8)},
    "SRHW-35": [(35, None, None)],
    **{f"SRHW-36-{i}": [(36, None, i)] for i in range(1, 4)},
    "SRHW-37": [(37, None, None)],
    "SRHW-38": [(38, None, None)],
    "CXGH-64": [(64, None, None)],
    "CXGH-66": [(66, None, None)],
    "CXGH-67": [(67, None, None)],
    "CSDL-42": [(42, None, None)],
    **{f"CSDL-42-{i}": [(42, None, i)] for i in range(1, 7)},
    "CSDL-40": [(40, None, None)],
    "CSDL-39": [(39, None, None)],
    **{f"CSLH-26-{i}": [(26, None, i)] for i in range(1, 5)},
    "CSLH-27": [(27, None, None)],
    "CSLH-28": [(28, None, None)],
    "CZPS-48": [(48, None, None)],
    "CZPS-49": [(49, None, None)],
    "CZPS-50-K1": [(50, 1, None)],
    "CZPS-50-K2": [(50, 2, None)],
    "CZPS-51": [(51, None, None)],
    "CZPS-52-K1": [(52, 1, None)],
    "CZPS-52-K2": [(52, 2, None)],
    "CZPS-53-K1": [(53, 1, None)],
    "CZPS-53-K2": [(53, 2, None)],
    "CZPS-54": [(54, None, None)],
    "CZPS-55": [(55, None, None)],
    "CZPS-56": [(56, None, None)],
    "CZPS-57-K1": [(57, 1, None)],
    "CZPS-57-K2": [(57, 2, None)],
    "JZLJ-20-1": [(20, 1, 1), (20, 1, 2), (20, 2, None)],
    "JZLJ-20-3": [(20, 1, 3), (20, 2, None)],
    "JZLJ-21": [(21, None, None)],
    "JZLJ-22-K1": [(22, 1, None)],
    "JZLJ-22-K2": [(22, 2, None)],
    "JZLJ-23": [(23, None, None)],
    "JZLJ-24": [(24, None, None)],
    "JZLJ-25": [(25, None, None)],
    "JZLJ-26": [(26, None, None)],
    **{f"SHLJ-{a}": [(a, None, None)] for a in range(38, 45)},
    "SHLJ-45-1": [(45, None, None)],
    "SHLJ-45-2": [(45, None, None)],
    "GTFW-111-1": [(111, 1, 1), (111, 2, None)],
    **{f"GTFW-111-{i}": [(111, None, i)] for i in range(2, 8)},
    "GTFW-111-K3": [(111, 3, None)],
    "GTFW-108-K2": [(108, 2, None)],
    "DQWR-115-K1": [(115, 1, None)],
    "DQWR-115-K2": [(115, 2, None)],
    "DQWR-116": [(116, None, None)],
    "DQWR-117": [(117, None, None)],
    **{f"DQWR-118-K{k}": [(118, k, None)] for k in (1, 2, 3)},
    **{f"DQWR-119-K{k}": [(119, k, None)] for k in (1, 2, 3)},
    "ZSWR-77": [(77, None, None)],
    "ZSWR-78": [(78, None, None)],
    "ZSWR-81": [(81, None, None)],
    "ZSWR-82": [(82, None, None)],
}


def _matches(want: Cite, article: int | None, paragraph: int | None, item: int | None) -> bool:
    return (want[0] == article and want[1] in (None, paragraph) and want[2] in (None, item))


@pytest.mark.parametrize("code", sorted(PUNISHES))
def test_punishes_citations(library: Library, code: str) -> None:
    resolved = library.item(code, region="000000")
    got = [(c.article, c.paragraph, c.item) for c, _ in resolved.punishes]
    for want in PUNISHES[code]:
        assert any(_matches(want, *g) for g in got), f"{code}: 处罚依据 {got} lacks {want}"
    articles = {w[0] for w in PUNISHES[code]}
    assert {g[0] for g in got} <= articles, f"{code}: 处罚依据 {got} cites other articles than {articles}"


# 违法依据 (article, paragraph) as statutes.md gives them. Mode "eq": exactly these;
# "sub": a non-empty part of them (statutes.md gives them for a group of items);
# "sup": at least these (statutes.md says 「等」); "none": statutes.md has none or only
# unverified (U) / inferred ones, so nothing may be encoded as a verified citation.
Art = tuple[int, int | None]
VIOLATES: dict[str, tuple[str, set[Art]]] = {
    "SRHW-34-1": ("eq", {(32, None)}),
    "SRHW-34-2": ("eq", {(17, None)}),
    "SRHW-34-3": ("eq", {(10, None)}),
    "SRHW-34-4": ("eq", {(28, 2)}),
    "SRHW-34-5": ("sub", {(23, None), (24, None), (25, None), (26, None), (28, None)}),  # inferred
    "SRHW-34-6": ("eq", {(15, None)}),
    "SRHW-34-7": ("eq", {(16, None)}),
    "SRHW-35": ("eq", {(33, None)}),
    "SRHW-36-1": ("eq", {(11, 2)}),
    "SRHW-36-2": ("eq", {(14, None)}),
    "SRHW-36-3": ("eq", {(22, None)}),
    "SRHW-37": ("eq", {(9, None), (18, None)}),
    "SRHW-38": ("none", set()),
    "CXGH-64": ("eq", {(40, None)}),
    "CXGH-66": ("eq", {(44, None)}),
    "CXGH-67": ("eq", {(45, 2)}),
    "CSDL-42": ("eq", {(27, None), (30, None)}),
    "CSDL-42-1": ("none", set()),
    "CSDL-42-2": ("eq", {(35, None)}),
    "CSDL-42-3": ("eq", {(31, 2), (35, None)}),
    "CSDL-42-4": ("eq", {(29, None)}),
    "CSDL-42-5": ("eq", {(34, None)}),
    "CSDL-42-6": ("eq", {(36, None)}),
    "CSDL-40": ("eq", {(17, 3)}),
    "CSDL-39": ("none", set()),
    **{f"CSLH-26-{i}": ("sub", {(20, None), (24, None)}) for i in range(1, 5)},
    "CSLH-27": ("eq", {(19, None)}),
    "CSLH-28": ("eq", {(21, None)}),
    "CZPS-48": ("eq", {(19, None)}),
    "CZPS-49": ("eq", {(20, None)}),
    "CZPS-50-K1": ("eq", {(21, None)}),
    "CZPS-50-K2": ("eq", {(21, None)}),
    **{c: ("none", set()) for c in ("CZPS-51", "CZPS-52-K1", "CZPS-52-K2", "CZPS-53-K1",
                                     "CZPS-53-K2", "CZPS-54", "CZPS-55")},
    "CZPS-56": ("eq", {(42, None)}),
    "CZPS-57-K1": ("eq", {(43, 3)}),
    "CZPS-57-K2": ("eq", {(43, 4)}),
    **{c: ("none", set()) for c in ("JZLJ-20-1", "JZLJ-20-3", "JZLJ-21", "JZLJ-22-K1", "JZLJ-22-K2",
                                     "JZLJ-23", "JZLJ-24", "JZLJ-26")},
    "JZLJ-25": ("eq", {(7, None)}),
    "SHLJ-38": ("eq", {(4, None)}),
    "SHLJ-39": ("eq", {(10, None)}),
    "SHLJ-40": ("eq", {(12, None)}),
    "SHLJ-41": ("eq", {(13, None)}),
    "SHLJ-42": ("eq", {(16, None)}),
    "SHLJ-43": ("eq", {(17, None), (25, None)}),
    "SHLJ-44": ("none", set()),
    "SHLJ-45-1": ("eq", {(20, None)}),
    "SHLJ-45-2": ("eq", {(28, None)}),
    "GTFW-111-1": ("eq", {(49, 2)}),
    "GTFW-111-2": ("eq", {(55, 3)}),
    "GTFW-111-3": ("eq", {(63, 1), (63, 2)}),
    "GTFW-111-4": ("eq", {(63, 2), (63, 3)}),
    "GTFW-111-5": ("eq", {(57, 2)}),
    "GTFW-111-6": ("eq", {(57, 3)}),
    "GTFW-111-7": ("none", set()),  # 第50条 is only inferred in statutes.md
    "GTFW-111-K3": ("eq", {(49, 2)}),
    "GTFW-108-K2": ("eq", {(72, 1)}),
    "DQWR-115-K1": ("eq", {(69, 3)}),
    "DQWR-115-K2": ("eq", {(69, 5)}),
    "DQWR-116": ("eq", {(70, 1)}),
    "DQWR-117": ("sup", {(72, None)}),
    **{f"DQWR-118-K{k}": ("eq", {(81, k)}) for k in (1, 2, 3)},
    "DQWR-119-K1": ("eq", {(77, None)}),
    "DQWR-119-K2": ("eq", {(82, 1)}),
    "DQWR-119-K3": ("eq", {(82, 2)}),
    "ZSWR-77": ("eq", {(43, None)}),
    "ZSWR-78": ("eq", {(40, None), (41, None), (42, None), (43, None)}),
    "ZSWR-81": ("eq", {(61, None), (62, None), (63, None)}),
    "ZSWR-82": ("eq", {(64, None), (65, None), (66, None)}),
}


@pytest.mark.parametrize("code", sorted(VIOLATES))
def test_violates_citations(library: Library, code: str) -> None:
    mode, want = VIOLATES[code]
    resolved = library.item(code, region="000000")
    got = {(c.article, c.paragraph) for c, _ in resolved.violates}
    if mode == "eq":
        assert got == want, f"{code}: 违法依据 {sorted(got, key=str)}, statutes.md gives {sorted(want, key=str)}"
    elif mode == "sub":
        assert got and got <= want, f"{code}: 违法依据 {got} not within {want}"
    elif mode == "sup":
        assert got >= want, f"{code}: 违法依据 {got} lacks {want}"
    else:
        assert not got, f"{code}: 违法依据 {got} encoded, statutes.md has none verified"
