"""The law-derived acceptance cases (shared/acceptance/cases.toml), through the API
and through the command line (``--json``)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import tomllib
from click.testing import CliRunner

import discretion
from discretion.cli import cli
from discretion.library import Library

CASES_FILE = Path(__file__).parent / "acceptance" / "cases.toml"
CASES = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))["case"]


def _ids() -> list[str]:
    return [c["name"] for c in CASES]


def check(result: dict[str, Any], expect: dict[str, Any]) -> None:
    """Compare a JSON assessment with a case's expectations (cases.toml header)."""
    if "outcome" in expect:
        assert result["outcome"] == expect["outcome"]
    if "statutory_fine" in expect:
        want = expect["statutory_fine"]
        if want == "null":
            assert result["statutory_fine"] is None
        else:
            got = result["statutory_fine"]
            assert got is not None
            assert (Decimal(got["min"]), Decimal(got["max"])) == (Decimal(want[0]), Decimal(want[1]))
    if "fine_within" in expect:
        lo, hi = (Decimal(x) for x in expect["fine_within"])
        got = result["fine"]
        assert got is not None
        assert lo <= Decimal(got["min"]) <= Decimal(got["max"]) <= hi
    for text in expect.get("cites", []):
        assert any(text in c["text"] for c in result["citations"]), (text, result["citations"])
    for flag in ("summary", "hearing"):
        if flag in expect:
            want = None if expect[flag] == "null" else expect[flag]
            assert result["procedure"][flag] is want
    for name in expect.get("missing_includes", []):
        assert name in result["missing_facts"]
    if "applied_item" in expect:
        assert result["item"]["code"] == expect["applied_item"]
    if "reduced_permitted" in expect:
        assert result["reduced_permitted"] is expect["reduced_permitted"]
    if "warning_includes" in expect:
        text = expect["warning_includes"]
        assert any(text in w["code"] or text in w["message"] for w in result["warnings"])


def _argv(case: dict[str, Any]) -> list[str]:
    argv = ["assess", *case["items"], "--region", case["region"], "--subject", case["subject"], "--json"]
    for name, value in case.get("facts", {}).items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        argv += ["-f", f"{name}={value}"]
    for name, value in case.get("dates", {}).items():
        argv += [f"--{name}", value.isoformat()]
    return argv


@pytest.mark.parametrize("case", CASES, ids=_ids())
def test_api(case: dict[str, Any], library: Library) -> None:
    expect = case["expect"]
    dates = {k: v for k, v in case.get("dates", {}).items() if isinstance(v, dt.date)}
    if expect.get("exit", 0) != 0:
        with pytest.raises(discretion.DiscretionError):
            library.assess(case["items"], subject=case["subject"], facts=case.get("facts", {}),
                           region=case["region"], **dates)
        return
    result = library.assess(case["items"], subject=case["subject"], facts=case.get("facts", {}),
                            region=case["region"], **dates)
    check(result.to_dict(), expect)


@pytest.mark.parametrize("case", CASES, ids=_ids())
def test_cli(case: dict[str, Any]) -> None:
    expect = case["expect"]
    runner = CliRunner()
    res = runner.invoke(cli, _argv(case), catch_exceptions=False, standalone_mode=False) \
        if expect.get("exit", 0) == 0 else None
    if res is not None:
        assert res.exit_code == 0, res.output
        check(json.loads(res.output), expect)
        return
    # error cases go through the real entry point, which maps errors to exit statuses
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "discretion", *_argv(case)], capture_output=True, text=True)
    assert proc.returncode == expect["exit"]
    assert "Traceback" not in proc.stderr
    if "stderr_includes" in expect:
        assert expect["stderr_includes"] in proc.stderr


EXPLAIN_STEPS = {
    "time_barred": ("【时效】", "第三十六条"),
    "no_penalty": ("【不予/可以不予处罚】", None),
    "may_waive": ("【不予/可以不予处罚】", "第三十三条"),
}


@pytest.mark.parametrize("case", [c for c in CASES if c["expect"].get("exit", 0) == 0],
                         ids=[c["name"] for c in CASES if c["expect"].get("exit", 0) == 0])
def test_explain(case: dict[str, Any]) -> None:
    """--explain prints each step that decided the result, with its citation, in legal order."""
    runner = CliRunner()
    argv = [a for a in _argv(case) if a != "--json"]
    as_json = json.loads(runner.invoke(cli, _argv(case)).output)
    res = runner.invoke(cli, [*argv, "--explain"])
    assert res.exit_code == 0, res.output
    text = res.output.split("裁量过程", 1)[1]
    lines = text.splitlines()
    # the statutory step is always there and cites the 处罚依据 (unless no penalty applies at all)
    punishes = [c["text"] for c in as_json["citations"] if c["role"] == "punishes"]
    assert "【法定幅度】" in text
    assert any(p in text for p in punishes)
    outcome = as_json["outcome"]
    if outcome in EXPLAIN_STEPS:
        marker, cite = EXPLAIN_STEPS[outcome]
        assert marker in text
        if cite:
            block = text.split(marker, 1)[1]
            assert cite in block
    if case.get("dates"):
        assert "【时效】" in text and "第三十六条" in text
    if as_json["reduced_permitted"]:
        assert "【情节调整】" in text and "第三十二条" in text
    if as_json["procedure"]["hearing"] is True:
        assert "【程序】" in text and "听证" in text
    if len(case["items"]) > 1:
        assert "【适用规则】" in text and "第二十九条" in text
    # legal order: 时效 → 不予/可以不予 → 法定幅度 → 阶次 → 情节调整 → 程序
    order = ["【时效】", "【不予/可以不予处罚】", "【法定幅度】", "【裁量阶次】", "【情节调整】", "【程序】"]
    seen = [next(i for i, line in enumerate(lines) if m in line) for m in order if m in text]
    assert seen == sorted(seen)
