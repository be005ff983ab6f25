"""``discretion check`` and ``discretion.testing``: each broken fixture set is reported
with the right file, item and tiers; the shipped set passes."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings

import discretion
import discretion.check as check_module
from discretion.check import Finding, Report, check_paths, fact_values
from discretion.cli import cli
from discretion.library import Library
from discretion.model import Fact
from discretion.testing import CheckFailed, GeneratedCase, cases, check_library, facts_for

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "check"
COMMON = FIXTURES / "common"


def run_check(kind: str) -> Report:
    return check_paths([FIXTURES / kind], [COMMON], examples=20, seed=0)


def only(report: Report, kind: str) -> Finding:
    found = [f for f in report.findings if f.kind == kind]
    assert len(found) == 1, [str(f) for f in report.findings]
    return found[0]


# --------------------------------------------------------------------------- one set per kind


@pytest.mark.parametrize(
    ("folder", "kind", "file", "item", "tiers", "text"),
    [
        ("overlap", "tier-overlap", "benchmark.toml", "T-1", ("B010", "B020"), "当 area_m2 = 10 时"),
        ("gap", "tier-gap", "benchmark.toml", "T-1", (), "当 area_m2 = 10 时"),
        ("out-of-range", "tier-out-of-range", "benchmark.toml", "T-1", ("B030",), "超出法定幅度"),
        ("refines", "refines-exceeds", "city.toml", "T-1", ("M020",), "province-bench"),
        ("monotone", "monotonicity", "benchmark.toml", "T-1", ("B010", "B020"), "由 9.99 增至 10"),
        ("monotone", "tier-order", "benchmark.toml", "T-1", ("B010", "B020"), "较重的阶次“较重”"),
        ("unknown-fact", "unknown-fact", "benchmark.toml", "T-1", ("B020",), "aera_m2"),
        ("bad-expression", "bad-expression", "benchmark.toml", "T-1", ("B010",), "area_m2 < 10 and"),
        ("dangling", "dangling-item", "exemptions.toml", "T-9", (), "T-9"),
        ("versions", "version-overlap", "v2022.toml", "", (), "同时有效"),
        ("adjust", "monotonicity", "benchmark.toml", "T-1", (), "从重处罚情节"),
    ],
)
def test_each_broken_set_is_reported(
    folder: str, kind: str, file: str, item: str, tiers: tuple[str, ...], text: str
) -> None:
    report = run_check(folder)
    assert report.failed()
    finding = only(report, kind)
    assert finding.severity == "error"
    assert Path(finding.file).name == file and Path(finding.file).parent.name == folder
    assert finding.item == item
    assert finding.tiers == tiers
    assert text in finding.message
    assert finding.line is not None


def test_overlap_counterexample_is_the_smallest_case() -> None:
    finding = only(run_check("overlap"), "tier-overlap")
    assert finding.counterexample is not None
    cx = finding.counterexample.to_dict()
    assert cx["facts"] == {"area_m2": "10"}
    assert cx["region"] == "430000" and cx["date"] == "2022-01-01"
    assert finding.key == "item[1].tier[1]" and finding.line == 17


def test_refining_benchmark_also_checked_case_by_case(tmp_path: Path) -> None:
    # a tier range that is not constant escapes the static check but not the property
    city = (FIXTURES / "refines" / "city.toml").read_text(encoding="utf-8")
    city = city.replace("fine = [300, 800]", 'fine = ["legal_min * 3", "legal_max * 4 / 5"]')
    (tmp_path / "city.toml").write_text(city, encoding="utf-8")
    (tmp_path / "province.toml").write_text(
        (FIXTURES / "refines" / "province.toml").read_text(encoding="utf-8"), encoding="utf-8")
    report = check_paths([tmp_path], [COMMON], examples=10, seed=0)
    kinds = {(f.kind, f.tiers) for f in report.findings}
    assert ("containment", ("M020", "P010")) in kinds, [str(f) for f in report.findings]


def test_clean_set_has_no_findings() -> None:
    report = run_check("clean")
    assert report.findings == ()
    assert report.exit_status() == 0
    stats = dict(report.stats)
    assert stats["tier-unique"].items == stats["tier-unique"].exhaustive == 1


def test_load_problems_are_findings_not_exceptions(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("format = 1\n[document\n", encoding="utf-8")
    report = check_paths([tmp_path], [COMMON])
    finding = only(report, "load")
    assert finding.file.endswith("broken.toml") and finding.line == 2
    assert report.exit_status() == 1


def test_summary_threshold_above_the_law(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text(textwrap.dedent("""\
        format = 1

        [document]
        id = "local-rules"
        title = "地方规则"
        kind = "rules"
        level = "provincial"
        region = "430000"
        effective = 2022-01-01
        status = "official"
        source = "x"

        [procedure.summary]
        person = 500
        organization = 3000
        """), encoding="utf-8")
    finding = only(check_paths([tmp_path], [COMMON]), "summary-threshold")
    assert finding.key == "procedure.summary.person" and "第五十一条" in finding.message


HEADER = """\
format = 1

[document]
id = "{id}"
title = "{id}"
kind = "benchmark"
level = "provincial"
region = "430000"
effective = {effective}
status = "official"
source = "x"
"""


def test_expiry_before_effect_and_full_coverage(tmp_path: Path) -> None:
    expired = HEADER.format(id="expired", effective="2022-01-01") + "expires = 2021-01-01\n"
    (tmp_path / "expired.toml").write_text(expired, encoding="utf-8")
    finding = only(check_paths([tmp_path], [COMMON]), "expiry-before-effect")
    assert finding.key == "document.expires" and finding.line == 12

    (tmp_path / "expired.toml").unlink()
    law = (COMMON / "statute.toml").read_text(encoding="utf-8")
    (tmp_path / "law.toml").write_text(
        law.replace('id = "check-law"', 'id = "second-law"').replace("检查用条例", "第二条例")
        .replace('code = "T-1"', 'code = "T-2"'), encoding="utf-8")
    full = HEADER.format(id="full", effective="2022-01-01") + 'coverage = "full"\n' + textwrap.dedent("""
        [[item]]
        code = "T-1"

        [[item.tier]]
        id = "B010"
        name = "一般"
        fine = [100, 1000]
        """)
    (tmp_path / "full.toml").write_text(full, encoding="utf-8")
    report = check_paths([tmp_path / "full.toml"], [COMMON, tmp_path])
    finding = only(report, "coverage")
    assert finding.severity == "warning" and finding.item == "T-2"
    assert not report.failed() and report.failed(strict=True)


def test_sampling_finds_what_pairs_miss(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Above the enumeration limit: every pair of facts, then Hypothesis (shrunk case)."""
    (tmp_path / "b.toml").write_text(textwrap.dedent("""\
        format = 1

        [document]
        id = "three-way"
        title = "三因素"
        kind = "benchmark"
        level = "provincial"
        region = "430000"
        effective = 2022-01-01
        status = "official"
        source = "x"

        [[item]]
        code = "T-1"

        [[item.tier]]
        id = "B010"
        name = "较轻"
        when = "area_m2 < 1 or repeat_count < 1 or not emergency"
        fine = [100, 300]

        [[item.tier]]
        id = "B020"
        name = "较重"
        when = "area_m2 >= 1 and repeat_count >= 2 and emergency"
        fine = [300, 1000]
        """), encoding="utf-8")
    monkeypatch.setattr(check_module, "EXHAUSTIVE_LIMIT", 10)
    report = check_paths([tmp_path], [COMMON], examples=200, seed=3)
    finding = only(report, "tier-gap")
    assert finding.counterexample is not None
    facts = dict(finding.counterexample.facts)
    area, repeat = facts["area_m2"], facts["repeat_count"]
    assert isinstance(area, Decimal) and isinstance(repeat, Decimal)
    assert facts["emergency"] is True and area >= 1 and 1 <= repeat < 2
    assert "tier-unique" in [n for n, s in report.stats if s.exhaustive < s.items]
    again = check_paths([tmp_path], [COMMON], examples=200, seed=3)
    assert [f.to_dict() for f in again.findings] == [f.to_dict() for f in report.findings]  # --seed


def test_probe_values_straddle_each_threshold() -> None:
    fact = Fact("area_m2", "number", "面积", min=Decimal(0))
    values = [v for v in fact_values(fact, [Decimal(10), Decimal("2.5")]) if isinstance(v, Decimal)]
    for v in ("0", "2.499", "2.5", "2.501", "6.25", "9.99", "10", "10.01", "11"):
        assert Decimal(v) in values
    assert values == sorted(values) and min(values) == 0


# --------------------------------------------------------------------------- the shipped set


def test_shipped_set_passes(library: Library) -> None:
    report = check_library(library)  # raises CheckFailed on any error
    assert not report.errors
    assert {f.kind for f in report.warnings} <= {"sample-data", "no-source", "coverage"}
    assert all(s.items == s.exhaustive for _, s in report.stats)


# --------------------------------------------------------------------------- command line


def test_cli_json_and_exit_status() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--no-bundled", "--data", str(COMMON), "check", str(FIXTURES / "overlap"),
                                 "--json", "--seed", "1"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert set(data) == {"findings", "exhaustive", "summary"}
    assert data["summary"]["errors"] == 1
    (finding,) = data["findings"]
    assert finding["kind"] == "tier-overlap" and finding["tiers"] == ["B010", "B020"]
    assert finding["file"].endswith("overlap/benchmark.toml") and finding["item"] == "T-1"
    assert finding["counterexample"]["facts"] == {"area_m2": "10"}
    assert data["exhaustive"]["tier-unique"]["exhaustive"] is True


def test_cli_human_output_and_strict(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--no-bundled", "--data", str(COMMON), "check", str(FIXTURES / "clean")]
    ok = runner.invoke(cli, args)
    assert ok.exit_code == 0, ok.output
    assert "错误 0 项" in ok.output and "穷举检查" in ok.output
    sample = (FIXTURES / "clean" / "benchmark.toml").read_text(encoding="utf-8")
    (tmp_path / "sample.toml").write_text(sample.replace('status = "official"', 'status = "sample"'),
                                          encoding="utf-8")
    args = ["--no-bundled", "--data", str(COMMON), "check", str(tmp_path)]
    assert runner.invoke(cli, args).exit_code == 0
    strict = runner.invoke(cli, [*args, "--strict"])
    assert strict.exit_code == 1 and "sample-data" in strict.output


def test_cli_broken_set_exits_1_bad_option_exits_2(tmp_path: Path) -> None:
    from discretion.cli import main

    (tmp_path / "broken.toml").write_text("format = 1\n[document]\nid = 3\n", encoding="utf-8")
    with pytest.raises(SystemExit) as broken:
        main(["--no-bundled", "--data", str(COMMON), "check", str(tmp_path)])
    assert broken.value.code == 1
    with pytest.raises(SystemExit) as bad:
        main(["check", "--examples", "0", str(COMMON)])
    assert bad.value.code == 2


# --------------------------------------------------------------------------- discretion.testing, as a bureau uses it

BUREAU = discretion.load(COMMON, FIXTURES / "clean", bundled=False)


def test_check_library_raises_with_the_findings() -> None:
    broken = discretion.load(COMMON, FIXTURES / "overlap", bundled=False)
    with pytest.raises(CheckFailed) as info:
        check_library(broken, seed=0)
    assert [f.kind for f in info.value.findings] == ["tier-overlap"]
    assert "B010" in str(info.value)
    check_library(BUREAU)


@settings(max_examples=30, deadline=None, database=None)
@given(facts_for(BUREAU, "T-1", region="430000"))
def test_facts_for_fit_their_declarations(facts: dict[str, object]) -> None:
    assert set(facts) == {"area_m2", "repeat_count", "emergency"}
    BUREAU.parse_facts(facts)  # never a FactError


@settings(max_examples=30, deadline=None, database=None)
@given(cases(BUREAU, regions=["430000"]))
def test_generated_cases_stay_in_the_statutory_range(case: GeneratedCase) -> None:
    a = case.assess(BUREAU)
    assert a.fine is not None and a.statutory_fine is not None
    assert a.statutory_fine.min <= a.fine.min <= a.fine.max <= a.statutory_fine.max
