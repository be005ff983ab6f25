"""Engine steps on the shipped data: procedure flags, adjustment, rounding, envelopes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from documents import header

from discretion.engine import round_range
from discretion.library import Library
from discretion.model import Range

D = Decimal


def test_summary_unknown_when_a_may_fine_has_no_amount(library: Library) -> None:
    # 市容条例第三十四条: 可以并处警告、罚款, amount left to local law → cannot say 当场处罚 is allowed
    a = library.assess("SRHW-34-2", subject="person", facts={"corrected": False}, region="000000")
    assert a.statutory_fine is None
    assert a.procedure.summary is None


def test_round_range_inward_and_single_amount() -> None:
    assert round_range(D("0.001"), D("10.009")) == Range(D("0.01"), D("10.00"))
    assert round_range(D("5.004"), D("5.006")) == Range(D("5.00"), D("5.00"))


def test_lighter_or_reduced_halves_and_permits_reduction(library: Library) -> None:
    a = library.assess("JZLJ-26", subject="organization", facts={"corrected": False, "coerced": True},
                       region="000000")
    assert a.reduced_permitted is True
    assert a.fine == Range(D(0), D("27500.00"))
    assert a.procedure.collective_discussion is True
    assert "adjust.lighter" in a.policy


def test_heavier_in_emergency(library: Library) -> None:
    a = library.assess("JZLJ-26", subject="organization", facts={"corrected": False, "emergency": True},
                       region="000000")
    assert a.fine == Range(D("27500.00"), D("50000.00"))


def test_lighter_and_heavier_offset(library: Library) -> None:
    a = library.assess("JZLJ-26", subject="organization",
                       facts={"corrected": False, "emergency": True, "coerced": True}, region="000000")
    assert a.fine == Range(D("5000.00"), D("50000.00"))
    assert a.procedure.collective_discussion is True


def test_may_lighter_widens_not_moves(library: Library) -> None:
    # 第三十一条: 尚未完全丧失辨认或者控制能力 → 可以从轻或者减轻
    a = library.assess("DQWR-118-K3", subject="person",
                       facts={"corrected": False, "mental_state": "partial"}, region="000000")
    assert a.fine == Range(D(0), D("20000.00"))
    assert a.reduced_permitted is True


def test_confiscation_of_illegal_gains(library: Library) -> None:
    a = library.assess("DQWR-118-K3", subject="person",
                       facts={"corrected": False, "illegal_gains": "1500"}, region="000000")
    gains = [p for p in a.penalties if p.id == "confiscate_gains"]
    assert gains and gains[0].amount == D(1500) and gains[0].may is False
    assert any("第二十八条" in c.text for c in a.citations)


def test_no_gains_no_confiscation(library: Library) -> None:
    a = library.assess("DQWR-118-K3", subject="person", facts={"corrected": False}, region="000000")
    assert all(p.id != "confiscate_gains" for p in a.penalties)


def test_limitation_anniversary_is_not_barred(library: Library) -> None:
    args = dict(subject="organization", facts={"corrected": False}, region="000000")
    a = library.assess("JZLJ-26", occurred=dt.date(2022, 1, 10), discovered=dt.date(2024, 1, 10), **args)
    assert a.outcome == "penalty"
    b = library.assess("JZLJ-26", occurred=dt.date(2022, 1, 10), discovered=dt.date(2024, 1, 11), **args)
    assert b.outcome == "time_barred" and b.fine is None


def test_limitation_from_end_of_continuing_act(library: Library) -> None:
    a = library.assess("JZLJ-26", subject="organization", facts={"corrected": False}, region="000000",
                       occurred=dt.date(2020, 1, 1), ended=dt.date(2023, 6, 1), discovered=dt.date(2024, 6, 1))
    assert a.outcome == "penalty"


def test_limitation_29_february(library: Library) -> None:
    args = dict(subject="organization", facts={"corrected": False}, region="000000")
    a = library.assess("JZLJ-26", occurred=dt.date(2024, 2, 29), discovered=dt.date(2026, 2, 28), **args)
    assert a.outcome == "penalty"
    b = library.assess("JZLJ-26", occurred=dt.date(2024, 2, 29), discovered=dt.date(2026, 3, 1), **args)
    assert b.outcome == "time_barred"


def test_limitation_unknown_extension_is_undetermined(library: Library) -> None:
    a = library.assess("JZLJ-26", subject="organization", facts={"corrected": False, "endangers_safety": True},
                       region="000000", occurred=dt.date(2021, 8, 1), discovered=dt.date(2024, 1, 1))
    assert a.outcome == "undetermined"
    assert a.missing_facts[0] == "harm"


def test_envelope_over_unknown_bracket(library: Library) -> None:
    a = library.assess("CXGH-64", subject="organization", facts={"construction_cost": 1000000, "corrected": False},
                       region="000000")
    assert a.statutory_fine == Range(D(0), D("100000.00"))
    assert "correctable" in a.missing_facts


def test_hearing_with_hunan_threshold(library: Library) -> None:
    a = library.assess("CZPS-49", subject="organization",
                       facts={"corrected": False, "refused_correction": True}, region="430381")
    assert a.procedure.hearing is True and a.procedure.legal_review is True
    assert any(w.code == "unverified-data" for w in a.warnings)


def test_no_penalty_has_no_fine_and_no_flags(library: Library) -> None:
    a = library.assess("DQWR-118-K3", subject="person", facts={"age": 13}, region="000000")
    assert a.outcome == "no_penalty" and a.fine is None
    assert a.procedure.summary is None and a.procedure.hearing is None
    assert "责令监护人加以管教" in a.measures


@pytest.mark.parametrize("code", ["CXGH-64", "JZLJ-26"])
def test_several_codes_pick_highest_maximum(library: Library, code: str) -> None:
    a = library.assess(["SHLJ-44", "GTFW-111-7"], subject="organization", facts={"corrected": False},
                       region="000000")
    assert a.code == "GTFW-111-7"
    assert [c for c, _ in a.considered] == ["SHLJ-44", "GTFW-111-7"]


# ---------------------------------------------------------------- small, self-made sets

RULES = header("rules", "中华人民共和国行政处罚法", "rules", short="行政处罚法", effective="2021-07-15", blank_lines=False) + """\
[facts.corrected]
type = "bool"
label = "及时改正"
[facts.serious]
type = "bool"
label = "情节严重"
[general]
correction = [{ article = 28, paragraph = 1 }]
"""

STATUTE = header("law", "测试条例", "statute", blank_lines=False) + """\
[[item]]
code = "T-1"
name = "测试行为"
category = "测试"
punishes = [{ article = 10 }]
confidence = "verified"
[[item.statutory]]
may = ["warning", "fine"]
measures = ["责令纠正违法行为"]
fine = ["0", "{high}"]
"""

BENCH = header("bench", "测试基准", "benchmark", level="provincial", region="430000", effective="2021-01-01", blank_lines=False) + """\
[[item]]
code = "T-1"
[[item.tier]]
id = "A"
name = "轻微"
when = "not serious"
penalties = ["warning"]
[[item.tier]]
id = "B"
name = "严重"
when = "serious"
fine = [{low}, {high}]
"""


def _library(tmp_path, high="7.2575", low="7.2575"):  # type: ignore[no-untyped-def]
    import discretion

    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    (tmp_path / "law.toml").write_text(STATUTE.replace("{high}", high), encoding="utf-8")
    (tmp_path / "bench.toml").write_text(BENCH.replace("{low}", low).replace("{high}", high), encoding="utf-8")
    return discretion.load(tmp_path, bundled=False, cache=False)


def test_tier_with_penalties_but_no_fine_means_no_fine(tmp_path) -> None:  # type: ignore[no-untyped-def]
    lib = _library(tmp_path, high="500", low="100")
    a = lib.assess("T-1", subject="person", facts={"serious": False}, region="430000")
    assert a.fine is None
    assert [p.id for p in a.penalties] == ["warning"]


def test_correction_not_repeated_when_a_measure_already_orders_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    lib = _library(tmp_path, high="500", low="100")
    a = lib.assess("T-1", subject="person", facts={"serious": True}, region="430000")
    assert a.measures == ("责令纠正违法行为",)


def test_single_amount_never_leaves_the_statutory_range(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # a sub-fen tier at the top of a sub-fen-ended statutory range: 7.2575 → not 7.26
    lib = _library(tmp_path)
    a = lib.assess("T-1", subject="person", facts={"serious": True}, region="430000")
    assert a.statutory_fine is not None and a.fine is not None
    assert a.fine.max <= a.statutory_fine.max and a.fine.min >= a.statutory_fine.min


def test_act_before_the_rules_in_force_warns_that_limitation_was_not_reviewed(library: Library) -> None:
    a = library.assess("DQWR-118-K3", subject="person", facts={"corrected": False}, region="000000",
                       occurred=dt.date(2019, 1, 1), discovered=dt.date(2022, 3, 1))
    assert any(w.code == "no-limitation-rule" for w in a.warnings)


def test_every_candidate_tier_is_cited(library: Library) -> None:
    a = library.assess("DQWR-118-K3", subject="person", facts={"corrected": False}, region="430381")
    tier_texts = [c.text for c in a.citations if c.role == "tier"]
    assert len(tier_texts) == 3 and all(any(t in x for x in tier_texts) for t in ("B010", "B020", "B030"))
