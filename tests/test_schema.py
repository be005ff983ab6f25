"""The published contracts: every assessment validates against ``discretion.assessment/1``
and every shipped benchmark file against the format schema, which rejects what the loader
rejects."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from documents import header
from jsonschema import Draft7Validator

import discretion
from discretion import schema
from discretion.cli import cli
from discretion.library import Library, bundled_path
from discretion.model import EFFECTS, OUTCOMES, PENALTY_NAMES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CASES = tomllib.loads((Path(__file__).parent / "acceptance" / "cases.toml").read_text(encoding="utf-8"))["case"]
GOOD_CASES = [c for c in CASES if c["expect"].get("exit", 0) == 0]
ASSESSMENT = Draft7Validator(schema.assessment_schema(), format_checker=Draft7Validator.FORMAT_CHECKER)
FORMAT = Draft7Validator(schema.format_schema(), format_checker=Draft7Validator.FORMAT_CHECKER)
BENCHMARK_FILES = sorted(bundled_path().rglob("*.toml"))


def errors(validator: Draft7Validator, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def as_editor_sees(value: Any) -> Any:
    """A parsed TOML value as a TOML editor hands it to a JSON Schema: dates as strings."""
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def toml_data(text: str) -> Any:
    return as_editor_sees(tomllib.loads(text))


# --------------------------------------------------------------------------- the schemas themselves


@pytest.mark.parametrize("name", schema.NAMES)
def test_schemas_are_valid_draft7(name: str) -> None:
    Draft7Validator.check_schema(schema.get(name))


@pytest.mark.parametrize("name", schema.NAMES)
def test_schema_command_prints_the_schema(name: str) -> None:
    res = CliRunner().invoke(cli, ["schema", name])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == schema.get(name)


def test_schema_command_rejects_unknown_name() -> None:
    res = CliRunner().invoke(cli, ["schema", "nope"])
    assert res.exit_code == 2
    assert "nope" in res.output


def test_unknown_schema_is_input_error() -> None:
    with pytest.raises(discretion.InputError, match="nope"):
        schema.get("nope")


def test_enums_follow_the_model() -> None:
    props = schema.assessment_schema()["properties"]
    assert props["outcome"]["enum"] == list(OUTCOMES)
    assert props["circumstances"]["items"]["properties"]["effect"]["enum"] == list(EFFECTS)
    assert props["penalties"]["items"]["properties"]["id"]["enum"] == list(PENALTY_NAMES)


# --------------------------------------------------------------------------- assessment


@pytest.mark.parametrize("case", GOOD_CASES, ids=[c["name"] for c in GOOD_CASES])
def test_acceptance_output_validates(case: dict[str, Any], library: Library) -> None:
    dates = {k: v for k, v in case.get("dates", {}).items() if isinstance(v, dt.date)}
    result = library.assess(case["items"], subject=case["subject"], facts=case.get("facts", {}),
                            region=case["region"], **dates)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert errors(ASSESSMENT, data) == []


def test_cli_json_output_validates() -> None:
    res = CliRunner().invoke(cli, ["assess", "GTFW-111-7", "SHLJ-44", "--region", "430381",
                                   "--subject", "organization", "-f", "corrected=false",
                                   "-f", "illegal_gains=1200", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert "considered" in data
    assert errors(ASSESSMENT, data) == []


def test_mixed_cases_validate(library: Library) -> None:
    """Many shapes (unknown facts, envelopes, waivers, time bars) from the thread-test generator."""
    from test_threads import make_cases, run_case

    seen: set[str] = set()
    for case in make_cases(library, 600, seed=8):
        result = run_case(library, case)
        if isinstance(result, str) and result.startswith("error:"):
            continue
        data = json.loads(result)
        seen.add(data["outcome"])
        assert errors(ASSESSMENT, data) == [], case
    assert {"penalty", "undetermined"} <= seen


def test_assessment_schema_is_strict(library: Library) -> None:
    good = library.assess("CXGH-64", subject="organization", region="000000",
                          facts={"correctable": True, "construction_cost": 1_000_000}).to_dict()
    bad_money = json.loads(json.dumps(good))
    bad_money["fine"]["min"] = "50000"
    extra = {**good, "surprise": 1}
    bad_outcome = {**good, "outcome": "fined"}
    bad_role = json.loads(json.dumps(good))
    bad_role["citations"][0]["role"] = "reason"
    bad_penalty = json.loads(json.dumps(good))
    bad_penalty["penalties"][0]["name"] = "警告"
    no_penalty_with_fine = {**good, "outcome": "no_penalty"}
    for bad in (bad_money, extra, bad_outcome, bad_role, bad_penalty, no_penalty_with_fine):
        assert errors(ASSESSMENT, bad), bad


# --------------------------------------------------------------------------- format


@pytest.mark.parametrize("path", BENCHMARK_FILES, ids=[p.name for p in BENCHMARK_FILES])
def test_shipped_benchmarks_validate(path: Path) -> None:
    assert errors(FORMAT, toml_data(path.read_text(encoding="utf-8"))) == []


MINIMAL = """\
#:schema ./discretion-format.schema.json
format = 1

[document]
id = "x-rules"
title = "测试规则"
short = "测试规则"
kind = "rules"
level = "national"
region = "000000"
effective = 2021-07-15
status = "official"

[facts.area_m2]
type = "number"
label = "面积"
min = 0
"""

STATUTE = header("x-law", "测试法", "statute") + """\
[[item]]
code = "X-1"
name = "测试违法行为"
category = "测试"
confidence = "verified"
punishes = [{ article = 1 }]

[[item.statutory]]
penalties = ["fine"]
fine = [0, 200]
"""


def test_schema_line_does_not_disturb_the_loader(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "law.toml").write_text(STATUTE, encoding="utf-8")
    lib = discretion.load(tmp_path, bundled=False)
    assert lib.assess("X-1", subject="person", region="000000").statutory_fine is not None
    assert errors(FORMAT, toml_data(MINIMAL)) == []
    assert errors(FORMAT, toml_data(STATUTE)) == []


# Edits of a valid document that the loader rejects: the schema must reject them too,
# so that an editor shows the mistake while it is typed.
REJECTED = [
    ("unknown top-level key", MINIMAL + "colour = 1\n"),
    ("unknown document key", MINIMAL.replace('status = "official"', 'status = "official"\nauthor = "x"')),
    ("format 2", MINIMAL.replace("format = 1", "format = 2")),
    ("bad kind", MINIMAL.replace('kind = "rules"', 'kind = "law"')),
    ("bad region", MINIMAL.replace('region = "000000"', 'region = "990000"')),
    ("national level, local region", MINIMAL.replace('region = "000000"', 'region = "430000"')),
    ("effective not a date", MINIMAL.replace(
        "effective = 2021-07-15", 'effective = "15/07/2021"')),
    ("missing status", MINIMAL.replace('status = "official"\n', "")),
    ("fact type", MINIMAL.replace('type = "number"', 'type = "float"')),
    ("builtin fact name", MINIMAL.replace("[facts.area_m2]", "[facts.subject]")),
    ("dunder fact name", MINIMAL.replace("[facts.area_m2]", "[facts.__class__]")),
    ("min on bool", MINIMAL.replace('type = "number"', 'type = "bool"')),
    ("enum without values", MINIMAL.replace('type = "number"', 'type = "enum"').replace("min = 0\n", "")),
    ("rules with items", MINIMAL + '\n[[item]]\ncode = "X-1"\n'),
    ("statute item without brackets", STATUTE.split("[[item.statutory]]")[0]),
    ("unknown penalty", STATUTE.replace('penalties = ["fine"]', 'penalties = ["flogging"]')),
    ("fine with three bounds", STATUTE.replace("fine = [0, 200]", "fine = [0, 100, 200]")),
    ("negative fine", STATUTE.replace("fine = [0, 200]", "fine = [-1, 200]")),
    ("fine beyond 10^15", STATUTE.replace("fine = [0, 200]", "fine = [0, 1e16]")),
    ("citation without article", STATUTE.replace("punishes = [{ article = 1 }]", 'punishes = [{ law = "x" }]')),
    ("citation article 0", STATUTE.replace("article = 1", "article = 0")),
    ("bad confidence", STATUTE.replace('confidence = "verified"', 'confidence = "sure"')),
    ("bad item code", STATUTE.replace('code = "X-1"', 'code = "X 1"')),
    ("when is not a string", STATUTE.replace('penalties = ["fine"]', 'when = true\npenalties = ["fine"]')),
    ("tier_hit without tiers", STATUTE.replace('code = "X-1"', 'code = "X-1"\ntier_hit = "first"')),
    ("limitation half given", MINIMAL + "\n[limitation]\nyears = 2\nextended_years = 5\n"),
    ("general unknown key", MINIMAL + "\n[general]\nmercy = []\n"),
    ("exemption without scope", MINIMAL + '\n[[exemption]]\nkind = "first"\neffect = "may_waive"\nwhen = "true"\n'),
    ("may no_penalty", MINIMAL + '\n[[circumstance]]\nid = "c"\nname = "c"\nwhen = "true"\n'
                                 'effect = "no_penalty"\nmay = true\n'),
]


@pytest.mark.parametrize(("name", "text"), REJECTED, ids=[n for n, _ in REJECTED])
def test_format_schema_rejects_what_the_loader_rejects(name: str, text: str, tmp_path: Path) -> None:
    assert errors(FORMAT, toml_data(text)), name
    (tmp_path / "doc.toml").write_text(text, encoding="utf-8")
    with pytest.raises(discretion.BenchmarkError):
        discretion.load(tmp_path, bundled=False)


@pytest.mark.skipif(shutil.which("taplo") is None, reason="taplo (pip install taplo) is not installed")
def test_taplo_reads_the_schema_line(tmp_path: Path) -> None:
    """With Taplo installed, the README recipe works: the `#:schema` line is honoured,
    the bundled files pass and a misspelt key is an error."""
    (tmp_path / "discretion-format.schema.json").write_text(schema.dumps("format"), encoding="utf-8")
    good = tmp_path / "good.toml"
    bad = tmp_path / "bad.toml"
    good.write_text(MINIMAL, encoding="utf-8")
    bad.write_text(MINIMAL.replace('status = "official"', 'status = "official"\ncolour = 1'), encoding="utf-8")
    taplo = shutil.which("taplo") or "taplo"
    assert subprocess.run([taplo, "check", str(good)], cwd=tmp_path, capture_output=True).returncode == 0
    run = subprocess.run([taplo, "check", str(bad)], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode != 0 and "colour" in run.stdout + run.stderr
    uri = (tmp_path / "discretion-format.schema.json").as_uri()
    bundled = subprocess.run([taplo, "check", "--schema", uri, *map(str, BENCHMARK_FILES)],
                             capture_output=True, text=True)
    assert bundled.returncode == 0, bundled.stderr[-2000:]
