"""Audit of past decisions (执法监督): a generated file of 10,000 decisions with planted
violations — every one is found, none is invented — plus the row-level and CLI contracts.

The expected findings are computed here from the statutes' own words, not by the engine:
  大气污染防治法第一百一十八条第三款 (DQWR-118-K3): 并处五百元以上二万元以下的罚款;
  城市建筑垃圾管理规定第二十六条 (JZLJ-26): 对单位处5000元以上5万元以下罚款，对个人处200元以下罚款;
  城乡规划法第六十四条 (CXGH-64, 尚可采取改正措施): 处建设工程造价百分之五以上百分之十以下的罚款;
  行政处罚法第三十三条第一款: 违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚;
  行政处罚法第三十六条: 违法行为在二年内未被发现的，不再给予行政处罚;
  常德「首查免罚」清单第1项 (CSDL-42, region 430700): 擅自占用城市道路，未造成损坏，面积不超过
  5平方米，时间未超过2天，及时整改 → 首查予以免罚.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from discretion.audit import audit_file, check_row
from discretion.library import Library

D = Decimal
FACT_COLUMNS = ["corrected", "minor_violation", "harm", "first_offence", "correctable", "construction_cost",
                "csdl27_conduct", "road_damaged", "area_m2", "occupied_days"]
HEADER = ["id", "code", "subject", "region", "occurred", "discovered", "decided", "fine", "decision",
          *FACT_COLUMNS]


def _money(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    """A random amount in [low, high], to the fen."""
    return D(rng.randint(int(low * 100), int(high * 100))) / 100


def _written(rng: random.Random, amount: Decimal) -> str:
    """Amounts as people write them: 5000, 5,000.00, 5000元, 0.5万元."""
    style = rng.randrange(4)
    if style == 0:
        return f"{amount:.2f}"
    if style == 1:
        return f"{amount:,.2f}"
    if style == 2:
        return f"{amount}元"
    if amount == amount.quantize(D(100)):
        return f"{(amount / 10000).normalize():f}万元"
    return str(amount)


def statutory(code: str, subject: str, facts: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """The fine range from the statute's text (see the module docstring)."""
    if code == "DQWR-118-K3":
        return D(500), D(20000)
    if code == "JZLJ-26":
        return (D(5000), D(50000)) if subject == "organization" else (D(0), D(200))
    if code == "CXGH-64":
        cost = D(facts["construction_cost"])
        return cost * D("0.05"), cost * D("0.10")
    raise AssertionError(code)


class Generated:
    """The rows of a decision file and what an audit must report about them."""

    def __init__(self, n: int, seed: int) -> None:
        rng = random.Random(seed)
        self.rows: list[dict[str, Any]] = []
        self.expected: dict[int, str] = {}  # line → finding kind
        self.bad: set[int] = set()  # lines that must be skipped as bad data
        kinds = ["ok", "ok", "ok", "ok", "above", "below", "no_penalty_ok", "no_penalty_violated",
                 "time_barred", "exemption_violated", "exemption_ok", "not_penalised", "waived_ok",
                 "may_waive_penalised", "bad"]
        for i in range(n):
            line = i + 2  # CSV: the header is line 1
            kind = rng.choice(kinds)
            row = self._row(rng, kind, i)
            self.rows.append(row)
            if kind == "bad":
                self.bad.add(line)
            elif kind == "below" and row["code"] == "JZLJ-26" and row["subject"] == "person":
                self.expected[line] = "fine-above-max"  # 200元以下: nothing is below, planted above
            elif kind not in ("ok", "no_penalty_ok", "exemption_ok", "waived_ok", "may_waive_penalised"):
                self.expected[line] = {
                    "above": "fine-above-max",
                    "below": "fine-below-min",
                    "no_penalty_violated": "penalty-despite-no-penalty",
                    "time_barred": "penalty-time-barred",
                    "exemption_violated": "exemption-not-applied",
                    "not_penalised": "not-penalised",
                }[kind]

    @staticmethod
    def _dates(rng: random.Random, barred: bool = False) -> dict[str, str]:
        if barred:  # 第三十六条 counts from the 2021 law's entry into force on: acts after 2021-07-15
            occurred = dt.date(2021, 8, 1) + dt.timedelta(days=rng.randrange(150))
            discovered = occurred.replace(year=occurred.year + 2) + dt.timedelta(days=1 + rng.randrange(300))
        else:
            occurred = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(180))
            discovered = occurred + dt.timedelta(days=rng.randrange(0, 400))
        decided = discovered + dt.timedelta(days=rng.randrange(0, 60))
        return {"occurred": occurred.isoformat(), "discovered": discovered.isoformat(),
                "decided": decided.isoformat()}

    def _row(self, rng: random.Random, kind: str, i: int) -> dict[str, Any]:
        row: dict[str, Any] = {"id": f"湘城管罚〔2024〕{i + 1}号", "region": "000000",
                               **self._dates(rng, kind == "time_barred")}
        facts: dict[str, Any] = {"corrected": "否"}
        if kind in ("exemption_violated", "exemption_ok"):
            row.update(code="CSDL-42", region="430700", subject=rng.choice(["person", "organization"]))
            facts = {"csdl27_conduct": "occupy", "first_offence": "是", "road_damaged": "否",
                     "area_m2": str(rng.choice([1, 2.5, 4, 5])), "occupied_days": str(rng.choice([0, 1, 2])),
                     "corrected": "是"}
            if kind == "exemption_violated":
                row.update(decision="penalty", fine=_written(rng, _money(rng, D(100), D(20000))))
            else:
                row.update(decision=rng.choice(["no_penalty", "不予处罚", "waived"]), fine="")
        elif kind in ("no_penalty_ok", "no_penalty_violated"):
            row.update(code="DQWR-118-K3", subject=rng.choice(["person", "个人", "单位"]))
            facts = {"corrected": "是", "minor_violation": "是", "harm": rng.choice(["none", "无"])}
            if kind == "no_penalty_violated":
                row.update(decision="penalty", fine=_written(rng, _money(rng, D(500), D(20000))))
            else:
                row.update(decision="no_penalty", fine="")
        elif kind in ("waived_ok", "may_waive_penalised"):
            # 初次违法、危害后果轻微并及时改正 → 可以不予处罚: both choices are lawful
            row.update(code="DQWR-118-K3", subject="person")
            facts = {"corrected": "是", "minor_violation": "否", "harm": "minor", "first_offence": "是"}
            if kind == "waived_ok":
                row.update(decision=rng.choice(["waived", "首违不罚", "may_waive"]), fine="")
            else:
                row.update(decision="penalty", fine=_written(rng, _money(rng, D(500), D(20000))))
        elif kind == "bad":
            row.update(code="DQWR-118-K3", subject="person", decision="penalty", fine="1000")
            flaw = rng.randrange(6)
            if flaw == 0:
                row["code"] = "NO-SUCH-ITEM"
            elif flaw == 1:
                facts = {"corrected": "也许"}
            elif flaw == 2:
                row["occurred"] = "2024-02-30"
            elif flaw == 3:
                row["fine"] = "一千元"
            elif flaw == 4:
                row["decision"] = "罚了"
            else:
                row["subject"] = ""
        else:
            code = rng.choice(["DQWR-118-K3", "JZLJ-26", "CXGH-64"])
            subject = "organization" if code == "CXGH-64" else rng.choice(["person", "organization"])
            if code == "CXGH-64":
                facts.update(correctable="是", construction_cost=str(rng.randint(1, 500) * 10000))
            low, high = statutory(code, subject, facts)
            row.update(code=code, subject=subject)
            if kind == "ok":
                fine = _money(rng, low, high)
            elif kind == "above":
                fine = high + _money(rng, D("0.01"), D(10000))
            elif kind == "below":
                if low == 0:  # 个人 200元以下: nothing is below; plant above instead
                    fine = high + D("0.01")
                else:
                    fine = _money(rng, D(0), low - D("0.01"))
            elif kind == "not_penalised":
                row.update(decision=rng.choice(["no_penalty", "waived"]), fine="")
                return {**row, **facts}
            else:  # time_barred
                fine = _money(rng, low, high)
            row.update(decision=rng.choice(["penalty", "给予处罚", ""]) if fine > 0 else "penalty",
                       fine=_written(rng, fine))
        return {**row, **facts}

    def write_csv(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, HEADER, restval="")
            w.writeheader()
            w.writerows(self.rows)

    def write_jsonl(self, path: Path, limit: int) -> None:
        """The same decisions as JSON Lines (facts in a `facts` object, typed values)."""
        with path.open("w", encoding="utf-8") as f:
            for row in self.rows[:limit]:
                out = {k: v for k, v in row.items() if k not in FACT_COLUMNS and v != ""}
                out["facts"] = {k: row[k] for k in FACT_COLUMNS if row.get(k, "") != ""}
                f.write(json.dumps(out, ensure_ascii=False) + "\n")


def test_10000_decisions_every_planted_violation_found_none_invented(library: Library, tmp_path: Path) -> None:
    gen = Generated(10_000, seed=20240601)
    path = tmp_path / "decisions.csv"
    gen.write_csv(path)
    report = audit_file(library, path, region="430381", jobs=2)

    # every planted violation is found, with the planted kind; nothing else is reported
    found = {(f.line, f.kind) for f in report.findings}
    expected = set(gen.expected.items())
    assert len(gen.expected) > 3000  # the file really plants thousands
    missing = sorted(expected - found)[:10]
    invented = sorted(found - expected)[:10]
    assert not missing and not invented, (missing, invented)
    assert len(report.findings) == len(expected)  # one finding per planted row

    # bad rows: reported by line and skipped, the run goes on
    assert {e.line for e in report.errors} == gen.bad
    assert report.rows == len(gen.rows)
    assert report.checked == len(gen.rows) - len(gen.bad)
    assert all(e.message and "\n" not in e.message for e in report.errors)
    assert any("NO-SUCH-ITEM" in e.message for e in report.errors)
    assert any("corrected" in e.message for e in report.errors)
    assert any("occurred" in e.message for e in report.errors)

    # in line order, each with what was permitted
    lines = [f.line for f in report.findings]
    assert lines == sorted(lines)
    for f in report.findings:
        if f.kind == "fine-above-max":
            assert f.permitted is not None and f.fine is not None and f.fine > f.permitted.max
            assert f.basis == "range" and any("条" in c for c in f.citations)
        if f.kind == "fine-below-min":
            assert f.permitted is not None and f.fine is not None and f.fine < f.permitted.min
        if f.kind == "exemption-not-applied":
            assert f.code == "CSDL-42" and "首查免罚" in f.message

    # counts per item
    per_item: dict[str, int] = {}
    decisions: dict[str, int] = {}
    for n, row in enumerate(gen.rows):
        line = n + 2
        if line in gen.bad:
            continue
        decisions[row["code"]] = decisions.get(row["code"], 0) + 1
        if line in gen.expected:
            per_item[row["code"]] = per_item.get(row["code"], 0) + 1
    assert {c: s.decisions for c, s in report.items.items()} == decisions
    assert {c: s.with_findings for c, s in report.items.items() if s.with_findings} == per_item
    data = report.to_dict()
    assert data["summary"]["findings"] == len(gen.expected)
    assert sum(data["summary"]["by_kind"].values()) == len(gen.expected)
    assert set(data["summary"]["by_kind"]) == set(gen.expected.values())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Generated, Path]:
    gen = Generated(3000, seed=7)
    path = tmp_path_factory.mktemp("audit") / "decisions.csv"
    gen.write_csv(path)
    return gen, path


def test_parallel_and_serial_agree(library: Library, generated: tuple[Generated, Path]) -> None:
    parallel = audit_file(library, generated[1], region="430381", jobs=2)
    serial = audit_file(library, generated[1], region="430381", jobs=1)
    assert parallel.to_dict() == serial.to_dict()
    assert {(f.line, f.kind) for f in serial.findings} == set(generated[0].expected.items())


def test_json_lines_gives_the_same_findings(library: Library, generated: tuple[Generated, Path],
                                            tmp_path: Path) -> None:
    gen, _ = generated
    path = tmp_path / "decisions.jsonl"
    gen.write_jsonl(path, 1000)
    result = audit_file(library, path, region="430381", jobs=1)
    # JSON Lines has no header: row n is on line n + 1
    expected = {(line - 1, kind) for line, kind in gen.expected.items() if line - 2 < 1000}
    assert {(f.line, f.kind) for f in result.findings} == expected
    assert {e.line for e in result.errors} == {line - 1 for line in gen.bad if line - 2 < 1000}


# --------------------------------------------------------------------------- single rows


def row(**values: Any) -> dict[str, Any]:
    base = {"code": "DQWR-118-K3", "subject": "person", "corrected": "否", "occurred": "2024-03-01",
            "discovered": "2024-04-01", "decided": "2024-05-01", "decision": "penalty"}
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


def test_undetermined_compares_with_envelope_and_says_so(library: Library) -> None:
    r = check_row(library, 2, row(corrected=None, fine="25000"), "000000")
    (f,) = r.findings
    assert f.kind == "fine-above-max" and f.basis == "envelope" and f.outcome == "undetermined"
    assert "结论待定" in f.message and "及时改正" in f.message
    assert "corrected" in f.missing_facts
    assert check_row(library, 2, row(corrected=None, fine="3000"), "000000").findings == ()


def test_several_codes_for_one_act(library: Library) -> None:
    # 第二十九条: the provision with the higher maximum applies — 固废法第一百一十一条 (单位 5万–50万)
    r = check_row(library, 2, row(code="GTFW-111-7;SHLJ-44", subject="单位", fine="600000"), "000000")
    (f,) = r.findings
    assert f.code == "GTFW-111-7" and f.kind == "fine-above-max"
    assert f.permitted is not None and f.permitted.max == D(500000)


def test_fine_when_no_fine_is_permitted(library: Library) -> None:
    # 城乡规划法第六十七条: a fine only 逾期不补报 (refused_correction)
    r = check_row(library, 2, row(code="CXGH-67", subject="单位", fine="20000"), "000000")
    assert [f.kind for f in r.findings] == ["fine-not-permitted"]


def test_delegated_amount_is_unchecked_not_a_finding(library: Library) -> None:
    r = check_row(library, 2, row(code="SRHW-34-2", fine="100"), "000000")
    assert r.findings == () and r.unchecked


def test_facts_column_and_chinese_headers(library: Library) -> None:
    r = check_row(library, 2, {"编号": "JZLJ-26", "当事人": "单位", "事实": '{"corrected": false}',
                               "罚款": "4,999.99", "决定": "给予处罚"}, "000000")
    assert [f.kind for f in r.findings] == ["fine-below-min"]


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        (row(fine="-5"), "fine"),
        (row(fine="NaN"), "fine"),
        (row(decision="罚了"), "decision"),
        (row(decision="no_penalty", fine="100"), "no_penalty"),
        (row(decision=None, fine=None), "decision"),
        (row(colour="red"), "colour"),
        (row(subject="dog"), "subject"),
        (row(code=""), "code"),
        (row(occurred="2024-06-01"), "晚于"),
        (row(region="999999"), "999999"),
        (row(facts="{not json"), "facts"),
    ],
)
def test_bad_row_is_an_error_not_an_exception(library: Library, values: dict[str, Any], needle: str) -> None:
    r = check_row(library, 7, values, "000000")
    assert r.error is not None and r.error.line == 7
    assert needle in r.error.message


# --------------------------------------------------------------------------- the command


def cli(args: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DISCRETION_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "discretion", *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False, **kw)


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    header = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header, restval="")
        w.writeheader()
        w.writerows(rows)
    return path


def test_cli_exit_1_with_findings_and_json(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", [row(id="A1", fine="30000"), row(id="A2", fine="3000"),
                                      row(id="A3", code="NOPE")])
    proc = cli(["audit", str(path), "--region", "000000"])
    assert proc.returncode == 1, proc.stderr
    assert "第 2 行［A1］" in proc.stdout and "30,000.00 元" in proc.stdout
    assert "第 4 行［A3］" in proc.stdout and "NOPE" in proc.stdout  # skipped, with its line
    assert "按事项汇总" in proc.stdout and "审查中" not in proc.stderr  # no bar when not a terminal
    proc = cli(["audit", str(path), "--region", "000000", "--json"])
    data = json.loads(proc.stdout)
    assert data["schema"] == "discretion.audit/1"
    assert [f["line"] for f in data["findings"]] == [2]
    assert data["findings"][0]["permitted"] == {"min": "500.00", "max": "20000.00"}
    assert data["errors"][0]["line"] == 4


def test_cli_exit_0_without_findings(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", [row(fine="3000"), row(fine="20000")])
    proc = cli(["audit", str(path), "--region", "000000"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "发现问题 0 项" in proc.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "无法读取"),
        ("", "为空"),
        ("code,subject,colour\nDQWR-118-K3,person,red\n", "colour"),
        (b"\xff\xfe\x00bad", "UTF-8"),
    ],
)
def test_cli_unreadable_file_exit_2(tmp_path: Path, content: str | bytes | None, needle: str) -> None:
    path = tmp_path / "d.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    proc = cli(["audit", str(path)])
    assert proc.returncode == 2
    assert needle in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_gbk_csv_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes("编号,当事人,及时改正,罚款,决定\nDQWR-118-K3,个人,否,30000,处罚\n".replace(
        "及时改正", "corrected").encode("gb18030"))
    proc = cli(["audit", str(path), "--region", "000000", "--json"])
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["findings"][0]["kind"] == "fine-above-max"


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    path = write(tmp_path / "d.csv", [row(fine="3000")] * 1200)
    env = {**os.environ, "DISCRETION_NO_CACHE": "1", "TERM": "xterm"}
    child = pexpect.spawn(sys.executable, ["-m", "discretion", "audit", str(path), "--region", "000000"],
                          env=env, encoding="utf-8", timeout=120, dimensions=(40, 120))
    child.expect_exact("审查中")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
