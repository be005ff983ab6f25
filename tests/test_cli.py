"""The command line through click's runner and through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from discretion.cli import cli, main

CXGH = ["assess", "CXGH-64", "--subject", "organization", "-f", "correctable=true",
        "-f", "construction_cost=1000000", "-f", "corrected=false", "--region", "000000"]


def run(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DISCRETION_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "discretion", *args], capture_output=True, text=True,
                          env=env, **kw)  # type: ignore[call-overload]


def test_subprocess_assess_json(tmp_path: Path) -> None:
    proc = run([*CXGH, "--json"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema"] == "discretion.assessment/1"
    assert data["statutory_fine"] == {"min": "50000.00", "max": "100000.00"}
    assert any("第六十四条" in c["text"] for c in data["citations"])


def test_global_options_anywhere() -> None:
    runner = CliRunner()
    before = runner.invoke(cli, ["--json", "--region", "000000", *CXGH[:1], *CXGH[1:-2]])
    after = runner.invoke(cli, [*CXGH, "--json"])
    assert before.exit_code == 0 and after.exit_code == 0, before.output + after.output
    assert json.loads(before.output)["statutory_fine"] == json.loads(after.output)["statutory_fine"]


def test_last_option_wins() -> None:
    res = CliRunner().invoke(cli, ["--region", "430381", *CXGH, "--json"])
    assert json.loads(res.output)["region"] == "000000"


def test_human_output_is_chinese() -> None:
    res = CliRunner().invoke(cli, CXGH)
    assert res.exit_code == 0
    for label in ("结论", "罚款幅度", "处罚种类", "责令措施", "程序提示", "依据"):
        assert label in res.output
    assert "50,000.00 元" in res.output


def test_explain_lists_steps_in_order() -> None:
    res = CliRunner().invoke(cli, ["assess", "JZLJ-26", "--region", "000000", "--subject", "单位",
                                   "-f", "corrected=否", "-f", "coerced=是", "--occurred", "2024-01-01",
                                   "--discovered", "2024-03-01", "--explain"])
    assert res.exit_code == 0, res.output
    out = res.output.split("裁量过程", 1)[1]
    order = [out.index(k) for k in ("【时效】", "【法定幅度】", "【情节调整】", "【程序】")]
    assert order == sorted(order)
    assert "第三十二条" in out and "第三十六条" in out


def test_english_labels() -> None:
    res = CliRunner().invoke(cli, [*CXGH, "--lang", "en"])
    assert "Fine range" in res.output and "Legal basis" in res.output


def test_unknown_item_exit_2_one_line() -> None:
    proc = run(["assess", "NO-SUCH-ITEM", "--subject", "person", "--region", "000000"])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "NO-SUCH-ITEM" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_close_code_is_suggested() -> None:
    proc = run(["assess", "cxgh-64x", "--subject", "person", "--region", "000000"])
    assert proc.returncode == 2
    assert "CXGH-64" in proc.stderr


def test_malformed_fact_exit_2() -> None:
    proc = run([*CXGH[:-2], "-f", "construction_cost=lots", "--region", "000000"])
    assert proc.returncode == 2
    assert "construction_cost" in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_fact_exit_2() -> None:
    proc = run([*CXGH, "-f", "colour=red"])
    assert proc.returncode == 2 and "colour" in proc.stderr


def test_bad_date_and_order() -> None:
    proc = run([*CXGH, "--occurred", "2024-02-30"])
    assert proc.returncode == 2 and "--occurred" in proc.stderr
    proc = run([*CXGH, "--occurred", "2024-05-01", "--discovered", "2024-01-01"])
    assert proc.returncode == 2 and "晚于" in proc.stderr


def test_bad_region() -> None:
    proc = run([*CXGH[:-2], "--region", "999999"])
    assert proc.returncode == 2 and "999999" in proc.stderr


def test_invalid_benchmark_folder_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("format = 1\n[document\n", encoding="utf-8")
    proc = run([*CXGH, "--data", str(tmp_path)])
    assert proc.returncode == 2
    assert "bad.toml" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_subject() -> None:
    proc = run(["assess", "CXGH-64", "--region", "000000"])
    assert proc.returncode == 2 and "--subject" in proc.stderr


def test_facts_from_json_stdin() -> None:
    facts = json.dumps({"correctable": True, "construction_cost": 1000000, "corrected": False})
    proc = run(["assess", "CXGH-64", "--subject", "单位", "--region", "000000", "--facts", "-", "--json"],
               input=facts)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["fine"]["max"] == "100000.00"


def test_list_and_show() -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["list", "--region", "000000", "--json"])
    codes = {i["code"] for i in json.loads(res.output)["items"]}
    assert {"CXGH-64", "JZLJ-26", "DQWR-118-K3"} <= codes
    res = runner.invoke(cli, ["show", "CXGH-64", "--region", "000000"])
    assert res.exit_code == 0 and "第六十四条" in res.output


def test_main_maps_usage_errors_to_2() -> None:
    try:
        main(["assess"])
    except SystemExit as exc:
        assert exc.code == 2
