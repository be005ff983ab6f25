"""The real published benchmarks shipped as examples give the ranges their texts print
(shared/domain/benchmark-practice.md §3.1, §3.4, §4.2–§4.4), transcribed here independently
of the TOML files."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from discretion.library import Library
from discretion.model import Range

NO_FINE = None
BASE = {"corrected": False}


def R(low: int | str, high: int | str) -> Range:
    return Range(Decimal(low).quantize(Decimal("0.01")), Decimal(high).quantize(Decimal("0.01")))


# 嘉兴市城市管理行政处罚自由裁量适用标准 row 1 (§4.3): 占地5平方米以下 / 5–10 / 10以上, 逾期不改正
JIAXING = [
    ("organization", 3, R(500, 1500)), ("person", 3, R(200, 500)),
    ("organization", 5, R(500, 1500)), ("person", 5, R(200, 500)),
    ("organization", 7, R(1500, 2000)), ("person", 7, R(500, 600)),
    ("organization", 10, R(2000, 3000)), ("person", 10, R(600, 1000)),
    ("organization", 25, R(2000, 3000)), ("person", 25, R(600, 1000)),
]


@pytest.mark.parametrize(("subject", "area", "expected"), JIAXING)
def test_jiaxing_area_tiers(library: Library, subject: str, area: int, expected: Range) -> None:
    a = library.assess("ZJSR-12-K3", subject=subject, region="330400",
                       facts={**BASE, "refused_correction": True, "area_m2": area})
    assert a.fine == expected
    assert a.tier is not None and a.tier.document == "jiaxing-cg-benchmark"
    assert any("第十二条" in c.text for c in a.citations if c.role == "punishes")


def test_jiaxing_before_the_deadline_no_fine(library: Library) -> None:
    a = library.assess("ZJSR-12-K3", subject="organization", region="330400",
                       facts={**BASE, "refused_correction": False, "area_m2": 7})
    assert a.fine is None


# 平阳县规划建设局行政处罚自由裁量权指导标准 (§4.4): 城乡规划法第六十四条 5–6% / 7–8% / 9–10%;
# 第六十七条 逾期不补报 1–2万 / 2.1–4万 / 4.1–5万
PINGYANG = [
    ("CXGH-64", {"correctable": True, "construction_cost": 1_000_000, "pingyang_degree": "lighter"}, R(50000, 60000)),
    ("CXGH-64", {"correctable": True, "construction_cost": 1_000_000, "pingyang_degree": "ordinary"}, R(70000, 80000)),
    ("CXGH-64", {"correctable": True, "construction_cost": 1_000_000, "pingyang_degree": "heavier"}, R(90000, 100000)),
    ("CXGH-67", {"refused_correction": True, "pingyang_degree": "lighter"}, R(10000, 20000)),
    ("CXGH-67", {"refused_correction": True, "pingyang_degree": "ordinary"}, R(21000, 40000)),
    ("CXGH-67", {"refused_correction": True, "pingyang_degree": "heavier"}, R(41000, 50000)),
]


@pytest.mark.parametrize(("code", "facts", "expected"), PINGYANG)
def test_pingyang_tiers(library: Library, code: str, facts: dict[str, Any], expected: Range) -> None:
    a = library.assess(code, subject="organization", region="330326", facts={**BASE, **facts})
    assert a.fine == expected
    assert a.tier is not None and a.tier.document == "pingyang-planning-benchmark"


# 五原县 rows 11 and 12 (§4.2) over the 巴彦淖尔 regulation: 情节严重 / 特别严重
WUYUAN = [
    ("BYSR-39", {"refused_correction": True, "wuyuan_degree": "serious"}, R(1000, 3000)),
    ("BYSR-39", {"refused_correction": True, "wuyuan_degree": "very_serious"}, R(3000, 5000)),
    ("BYSR-39", {"refused_correction": False, "wuyuan_degree": "minor"}, NO_FINE),
    ("BYSR-40-1", {"wuyuan_degree": "serious"}, R(0, 30)),
    ("BYSR-40-1", {"wuyuan_degree": "very_serious"}, R(30, 50)),
    ("BYSR-40-1", {"wuyuan_degree": "minor"}, NO_FINE),
]


@pytest.mark.parametrize(("code", "facts", "expected"), WUYUAN)
def test_wuyuan_rows(library: Library, code: str, facts: dict[str, Any], expected: Range | None) -> None:
    a = library.assess(code, subject="person", region="150821", facts={**BASE, **facts})
    assert a.fine == expected


# 醴陵市《行政处罚裁量权基准制度》(§3.1): 轻微 = 最低限; 一般 = 最低限 to ½ 最高限; 严重 = ½ 最高限 to
# 最高限; 特别严重 = 最高限; no clear minimum → 10% of the maximum; 特别轻微 → 免于处罚
LILING = [
    # 城市建筑垃圾管理规定第二十六条, 单位 5,000–50,000
    ("JZLJ-26", "organization", "minor", R(5000, 5000)),
    ("JZLJ-26", "organization", "ordinary", R(5000, 25000)),
    ("JZLJ-26", "organization", "serious", R(25000, 50000)),
    ("JZLJ-26", "organization", "especially_serious", R(50000, 50000)),
    # 城市道路管理条例第四十二条, 2万元以下: the minimum is not clear → 2,000
    ("CSDL-42", "organization", "minor", R(2000, 2000)),
    ("CSDL-42", "organization", "ordinary", R(2000, 10000)),
    ("CSDL-42", "organization", "serious", R(10000, 20000)),
]


@pytest.mark.parametrize(("code", "subject", "degree", "expected"), LILING)
def test_liling_formula_tiers(library: Library, code: str, subject: str, degree: str, expected: Range) -> None:
    a = library.assess(code, subject=subject, region="430281", facts={**BASE, "liling_degree": degree})
    assert a.fine == expected


def test_liling_especially_minor_is_not_penalised(library: Library) -> None:
    a = library.assess("JZLJ-26", subject="organization", region="430281",
                       facts={**BASE, "liling_degree": "especially_minor"})
    assert a.outcome == "no_penalty" and a.fine is None


# 常德市「首查免罚」清单（第一批）item 1 (§3.4): 擅自占用城市道路, 未造成损坏, 面积不超过5平方米,
# 时间未超过2天, 及时整改 → 首查予以免罚
CHANGDE_EXEMPT = {"csdl27_conduct": "occupy", "first_offence": True, "road_damaged": False,
                  "occupied_days": 2, "corrected": True, "minor_violation": False}


def test_changde_first_occupation_is_exempt(library: Library) -> None:
    a = library.assess("CSDL-42", subject="person", region="430700", facts={**CHANGDE_EXEMPT, "area_m2": 5})
    assert a.outcome == "no_penalty"
    assert [e.id for e in a.exemptions] == ["CD-1"]


@pytest.mark.parametrize("change", [{"area_m2": 6}, {"area_m2": 5, "occupied_days": 3},
                                    {"area_m2": 5, "road_damaged": True}])
def test_changde_outside_the_conditions_is_penalised(library: Library, change: dict[str, Any]) -> None:
    facts = {**CHANGDE_EXEMPT, "harm": "general", **change}
    a = library.assess("CSDL-42", subject="person", region="430700", facts=facts)
    assert a.outcome == "penalty"
    assert a.statutory_fine == R(0, 20000)
