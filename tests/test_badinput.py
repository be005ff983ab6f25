"""The bad-input matrix: every row is one distinct bad input.

Each must end with exit status 2 (``check``/``audit``: 1 with a finding), a short message on
stderr that names the culprit (file, key path, fact, value, option), no traceback, and no
file left behind in the working directory (nothing half-written).

Rows run through :func:`discretion.cli.main` in-process (a crash would surface here as an
exception rather than ``SystemExit``); a few run as real processes too.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from documents import header

import discretion
import discretion.library
from discretion.cli import cli, main
from discretion.library import Library

# --------------------------------------------------------------------------- a small valid set

RULES = header("t-rules", "测试总则", "rules", short="测试总则") + """\
[facts.area_m2]
type = "number"
label = "面积"
unit = "平方米"
min = 0

[facts.harm]
type = "enum"
label = "危害后果"
values = ["none", "minor", "serious"]

[facts.corrected]
type = "bool"
label = "及时改正"
default = false

[facts.cost]
type = "money"
label = "造价"
"""

LAW = header("t-law", "测试管理条例", "statute", short="测试条例") + """\
[[item]]
code = "T-1"
name = "测试违法行为"
category = "测试"
confidence = "verified"
violates = [{ article = 3 }]
punishes = [{ article = 30 }]

[[item.statutory]]
penalties = ["fine"]
fine = [0, 2000]
"""


def law(code: str, fine: str = "[0, 2000]", extra: str = "", doc_id: str = "t-law2",
        short: str = "测试条例二") -> str:
    """A second statute with one item; ``extra`` is appended to its bracket."""
    return (LAW.replace('id = "t-law"', f'id = "{doc_id}"').replace('short = "测试条例"', f'short = "{short}"')
            .replace('code = "T-1"', f'code = "{code}"').replace("fine = [0, 2000]", f"fine = {fine}") + extra)


def benchmark(doc_id: str, tiers: str, refines: str = "", region: str = "430000",
              level: str = "provincial", code: str = "T-1") -> str:
    return f"""\
format = 1

[document]
id = "{doc_id}"
title = "测试裁量基准 {doc_id}"
kind = "benchmark"
level = "{level}"
region = "{region}"
effective = 2020-01-01
status = "official"
{refines}

[[item]]
code = "{code}"
{tiers}
"""


TIERS = """
[[item.tier]]
id = "B010"
name = "较轻"
when = "area_m2 < 10"
fine = [0, 500]

[[item.tier]]
id = "B020"
name = "较重"
when = "area_m2 >= 10"
fine = [500, 2000]
"""

EXEMPTIONS = header("t-exempt", "测试免罚清单", "exemptions", level="provincial", region="430000") + """\
[[exemption]]
{scope}
kind = "first"
effect = "may_waive"
when = "corrected"
basis = [{{ law = "测试总则", article = 1 }}]
"""

LONG_UNKNOWN = "area_m2 > 0 and " * 6250 + "nowhere_fact"  # 100,012 characters
DEEP = "(" * 5000 + "area_m2" + ")" * 5000 + " > 1"


# --------------------------------------------------------------------------- rows


@dataclass
class Row:
    """One bad input: the files of the data folder (besides the valid base unless
    ``base`` is false), the command line, and what stderr must name."""

    id: str
    argv: list[str]
    names: tuple[str, ...]
    files: dict[str, str | bytes] = field(default_factory=dict)
    base: bool = True
    status: int | tuple[int, ...] = 2
    stream: str = "err"  # where the message is: "err", or "out" for check/audit reports
    max_lines: int = 12
    stdin: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None


DATA = ["--no-bundled", "--data", "{data}"]
LIST = ["list", "--region", "000000", *DATA]
ASSESS_T1 = ["assess", "T-1", "--subject", "person", "--region", "000000", *DATA]
CX = ["assess", "CXGH-64", "--region", "000000", "--subject", "organization", "-f", "correctable=true"]


def _big(data: Path) -> None:
    with open(data / "big.toml", "wb") as f:
        f.write(b"# padding\n" * (2 * 1024 * 1024))  # 20 MB


def _file_loop(data: Path) -> None:
    os.symlink(data / "loop-b.toml", data / "loop-a.toml")
    os.symlink(data / "loop-a.toml", data / "loop-b.toml")


def _missing_data(data: Path) -> None:
    (data / "rules.toml").unlink()
    (data / "law.toml").unlink()
    data.rmdir()


def _empty_dir(data: Path) -> None:
    for p in data.iterdir():
        p.unlink()


ROWS: list[Row] = [
    # ---- benchmark files
    Row("toml-syntax", LIST, ("broken.toml", "TOML", ":3"),
        {"broken.toml": "format = 1\n\n[document\nid = 'x'\n"}),
    Row("toml-duplicate-key", LIST, ("twice.toml", "TOML"),
        {"twice.toml": LAW.replace('status = "official"', 'status = "official"\nstatus = "sample"')}),
    Row("wrong-type-date", LIST, ("law.toml", "document.effective", "日期"),
        {"law.toml": LAW.replace("effective = 2020-01-01", 'effective = "2020-01-01"')}),
    Row("wrong-type-fine", LIST, ("law.toml", "item[1].statutory[1].fine", "lots"),
        {"law.toml": LAW.replace("fine = [0, 2000]", 'fine = "lots"')}),
    Row("wrong-type-article", LIST, ("law.toml", "item[1].punishes[1].article", "整数"),
        {"law.toml": LAW.replace("article = 30", 'article = "30"')}),
    Row("unknown-key", LIST, ("law.toml", "item[1].colour"),
        {"law.toml": LAW.replace('category = "测试"', 'category = "测试"\ncolour = "red"')}),
    Row("misspelt-key", LIST, ("law.toml", "item[1].statutory[1].penalites"),
        {"law.toml": LAW.replace("penalties =", "penalites =")}),
    Row("unknown-top-level-key", LIST, ("law.toml", "'tiers'"), {"law.toml": "tiers = 3\n" + LAW}),
    Row("missing-required-key", LIST, ("law.toml", "document.title"),
        {"law.toml": LAW.replace('title = "测试管理条例"\n', "")}),
    Row("format-version", LIST, ("law.toml", "format", "2"), {"law.toml": LAW.replace("format = 1", "format = 2")}),
    Row("bad-document-region", LIST, ("law.toml", "document.region", "99"),
        {"law.toml": LAW.replace('region = "000000"', 'region = "990000"')}),
    Row("expires-before-effective", LIST, ("law.toml", "document.expires", "2019-01-01"),
        {"law.toml": LAW.replace("effective = 2020-01-01", "effective = 2020-01-01\nexpires = 2019-01-01")}),
    Row("duplicate-code-in-document", LIST, ("dup.toml", "T-9", "重复"),
        {"dup.toml": law("T-9") + law("T-9").split("format = 1")[1].split("[[item]]", 1)[1].join(["[[item]]", ""])}),
    Row("duplicate-code-in-layer", LIST, ("other.toml", "T-1", "t-law"), {"other.toml": law("T-1")}),
    Row("dangling-item", LIST, ("bm.toml", "NOPE-1"),
        {"bm.toml": benchmark("t-bm", TIERS, code="NOPE-1")}),
    Row("dangling-refines", LIST, ("bm.toml", "refines", "ghost-benchmark"),
        {"bm.toml": benchmark("t-bm", TIERS, refines='refines = ["ghost-benchmark"]')}),
    Row("cyclic-refines", LIST, ("refines", "循环"),
        {"bm1.toml": benchmark("t-bm1", TIERS, refines='refines = ["t-bm2"]'),
         "bm2.toml": benchmark("t-bm2", TIERS, refines='refines = ["t-bm1"]', region="430300",
                               level="municipal")}),
    Row("unknown-law-cited", LIST, ("law.toml", "item[1].violates[1].law", "民法通则"),
        {"law.toml": LAW.replace("violates = [{ article = 3 }]", 'violates = [{ law = "民法通则", article = 3 }]')}),
    Row("exemption-unknown-item", LIST, ("ex.toml", "exemption[1].items", "GHOST-7"),
        {"ex.toml": EXEMPTIONS.format(scope='items = ["GHOST-7"]')}),
    Row("exemption-unknown-category", LIST, ("ex.toml", "exemption[1].categories", "园林"),
        {"ex.toml": EXEMPTIONS.format(scope='categories = ["园林"]')}),
    Row("unknown-penalty", LIST, ("law.toml", "flogging"),
        {"law.toml": LAW.replace('penalties = ["fine"]', 'penalties = ["fine", "flogging"]')}),
    Row("fact-redeclared", LIST, ("t-law", "facts.area_m2", "enum"),
        {"law.toml": LAW + '\n[facts.area_m2]\ntype = "enum"\nlabel = "面积"\nvalues = ["small", "big"]\n'}),
    Row("enum-without-values", LIST, ("law.toml", "facts.size", "values"),
        {"law.toml": LAW + '\n[facts.size]\ntype = "enum"\nlabel = "规模"\n'}),
    Row("bad-fact-default", LIST, ("law.toml", "facts.paid.default", "maybe"),
        {"law.toml": LAW + '\n[facts.paid]\ntype = "bool"\nlabel = "已缴"\ndefault = "maybe"\n'}),
    Row("fine-low-above-high", LIST, ("law.toml", "item[1].statutory[1].fine", "2000"),
        {"law.toml": LAW.replace("fine = [0, 2000]", "fine = [2000, 100]")}),
    Row("non-utf8", LIST, ("gbk.toml", "UTF-8"),
        {"gbk.toml": LAW.replace("测试管理条例", "国标编码").encode("gbk")}),
    Row("binary-garbage", LIST, ("junk.toml",), {"junk.toml": b"\x00\x01\x02format\xff = \x00"}),
    Row("empty-file", LIST, ("empty.toml", "空文件"), {"empty.toml": ""}),
    Row("blank-file", LIST, ("blank.toml", "空文件"), {"blank.toml": "\n   \n\t\n"}),
    Row("bom-only-file", LIST, ("bom.toml", "空文件"), {"bom.toml": "\ufeff"}),
    Row("20mb-file", LIST, ("big.toml", "文件过大"), setup=_big),
    Row("symlink-loop", LIST, ("loop-a.toml",), setup=_file_loop),
    Row("data-path-missing", LIST, ("{data}", "路径不存在"), setup=_missing_data),
    Row("no-documents", LIST, ("没有找到任何基准文档",), setup=_empty_dir),
    # ---- expressions
    Row("expr-syntax", LIST, ("law.toml", "item[1].statutory[1].when", "area_m2 >"),
        {"law.toml": LAW.replace('penalties = ["fine"]', 'when = "area_m2 >"\npenalties = ["fine"]')}),
    Row("expr-unknown-name", LIST, ("law.toml", "item[1].statutory[1].when", "aera_m2"),
        {"law.toml": LAW.replace('penalties = ["fine"]', 'when = "aera_m2 > 5"\npenalties = ["fine"]')}),
    Row("expr-type-error", LIST, ("law.toml", "item[1].statutory[1].when"),
        {"law.toml": LAW.replace('penalties = ["fine"]', 'when = "area_m2 + corrected > 1"\npenalties = ["fine"]')}),
    Row("expr-not-bool", LIST, ("law.toml", "item[1].statutory[1].when", "area_m2 * 2"),
        {"law.toml": LAW.replace('penalties = ["fine"]', 'when = "area_m2 * 2"\npenalties = ["fine"]')}),
    Row("expr-undeclared-enum-value", LIST, ("law.toml", "item[1].statutory[1].when", "catastrophic"),
        {"law.toml": LAW.replace('penalties = ["fine"]', 'when = "harm == \'catastrophic\'"\npenalties = ["fine"]')}),
    Row("expr-python-injection", LIST, ("law.toml", "item[1].statutory[1].fine[2]", "__import__"),
        {"law.toml": LAW.replace("fine = [0, 2000]", "fine = [0, \"__import__('os').system('true')\"]")}),
    Row("expr-attribute-access", LIST, ("law.toml", "item[1].statutory[1].fine[2]", "属性访问"),
        {"law.toml": LAW.replace("fine = [0, 2000]", 'fine = [0, "cost.real"]')}),
    Row("expr-newline-in-token", LIST, ("law.toml", "item[1].statutory[1].when", "\\n"), max_lines=1,
        files={"law.toml": LAW.replace('penalties = ["fine"]', 'when = "corrected \'\\n\' corrected"\npenalties = ["fine"]')}),
    Row("expr-100k-characters", LIST, ("law.toml", "item[1].statutory[1].when", "nowhere_fact"),
        {"law.toml": LAW.replace('penalties = ["fine"]', f'when = "{LONG_UNKNOWN}"\npenalties = ["fine"]')}),
    Row("expr-deeply-nested", LIST, ("law.toml", "item[1].statutory[1].when", "嵌套"),
        {"law.toml": LAW.replace('penalties = ["fine"]', f'when = "{DEEP}"\npenalties = ["fine"]')}),
    Row("expr-constant-division-by-zero", LIST, ("law.toml", "item[1].statutory[1].fine[2]"),
        {"law.toml": LAW.replace("fine = [0, 2000]", 'fine = [0, "2000 / (5 - 5)"]')}),
    Row("expr-division-by-zero-at-assess", ["assess", "T-5", *ASSESS_T1[2:], "-f", "area_m2=5"],
        ("T-5", "除数为零", "area_m2 - 5"),
        {"div.toml": law("T-5", fine='[0, "1000 / (area_m2 - 5)"]')}),
    Row("tier-overlap-at-assess", ["assess", "T-1", "--subject", "person", "--region", "430000", *DATA,
                                   "-f", "area_m2=7"],
        ("B010", "B020"),
        {"bm.toml": benchmark("t-bm", TIERS.replace('when = "area_m2 >= 10"', 'when = "area_m2 > 5"'))}),
    # ---- facts and options (bundled data)
    Row("fact-not-a-number", [*CX, "-f", "construction_cost=abc"], ("construction_cost", "abc"), base=False),
    Row("fact-negative-money", [*CX, "-f", "construction_cost=-5"], ("construction_cost", "-5"), base=False),
    Row("fact-nan", [*CX, "-f", "construction_cost=NaN"], ("construction_cost", "NaN"), base=False),
    Row("fact-infinity", [*CX, "-f", "construction_cost=Infinity"], ("construction_cost", "Infinity"),
        base=False),
    Row("fact-1e400", [*CX, "-f", "construction_cost=1e400"], ("construction_cost", "1e400"), base=False),
    Row("fact-above-max", [*CX, "-f", "age=200"], ("age", "200"), base=False),
    Row("fact-unknown-enum-value", [*CX, "-f", "harm=catastrophic"], ("harm", "catastrophic"), base=False),
    Row("fact-bad-bool", [*CX, "-f", "corrected=maybe"], ("corrected", "maybe"), base=False),
    Row("fact-unknown-name", [*CX, "-f", "constructon_cost=5"], ("constructon_cost", "construction_cost"),
        base=False),
    Row("fact-without-value", [*CX, "-f", "corrected"], ("corrected", "NAME=VALUE"), base=False),
    Row("fact-subject-as-fact", [*CX, "-f", "subject=person"], ("subject",), base=False),
    Row("dates-wrong-order", [*CX, "--occurred", "2024-05-01", "--discovered", "2024-01-01"],
        ("2024-05-01", "2024-01-01", "--occurred"), base=False),
    Row("date-wrong-format", [*CX, "--occurred", "2024/05/01"], ("--occurred", "2024/05/01"), base=False),
    Row("date-impossible", [*CX, "--discovered", "2024-02-30"], ("--discovered", "2024-02-30"), base=False),
    Row("region-unknown-province", [*CX, "--region", "990000"], ("990000",), base=False),
    Row("region-not-six-digits", ["list", "--region", "4303"], ("4303",), base=False),
    Row("region-from-environment", ["list"], ("12345X",), base=False, env={"DISCRETION_REGION": "12345X"}),
    Row("subject-unknown", ["assess", "CXGH-64", "--region", "000000", "--subject", "robot"], ("robot",), base=False),
    Row("subject-missing", ["assess", "CXGH-64", "--region", "000000"], ("--subject",), base=False),
    Row("item-unknown", ["assess", "CXGH-999", "--region", "000000", "--subject", "person"], ("CXGH-999",),
        base=False),
    Row("schema-unknown-name", ["schema", "openapi"], ("openapi",), base=False),
    Row("show-unknown-item", ["show", "CXGH-999", "--region", "000000"], ("CXGH-999",), base=False),
    Row("show-bad-day", ["show", "CXGH-64", "--on", "yesterday"], ("--on", "yesterday"), base=False),
    Row("option-unknown-language", [*CX, "--lang", "fr"], ("--lang", "fr"), base=False),
    Row("option-bad-day", ["list", "--on", "2024-13-01"], ("--on", "2024-13-01"), base=False),
    Row("facts-json-syntax", [*CX, "--facts", "{tmp}/facts.json"], ("facts.json", "JSON", "1"), base=False,
        files={"../facts.json": '{"construction_cost": 5,}'}),
    Row("facts-json-not-object", [*CX, "--facts", "{tmp}/facts.json"], ("facts.json", "对象"), base=False,
        files={"../facts.json": "[1, 2]"}),
    Row("facts-json-nan", [*CX, "--facts", "{tmp}/facts.json"], ("NaN",), base=False,
        files={"../facts.json": '{"construction_cost": NaN}'}),
    Row("facts-json-1e400", [*CX, "--facts", "{tmp}/facts.json"], ("construction_cost",), base=False,
        files={"../facts.json": '{"construction_cost": 1e400}'}),
    Row("facts-json-wrong-type", [*CX, "--facts", "{tmp}/facts.json"], ("corrected",), base=False,
        files={"../facts.json": '{"corrected": [true]}'}),
    Row("facts-json-unknown-fact", [*CX, "--facts", "{tmp}/facts.json"], ("colour",), base=False,
        files={"../facts.json": '{"colour": "red"}'}),
    Row("facts-file-missing", [*CX, "--facts", "{tmp}/nowhere.json"], ("nowhere.json",), base=False),
    Row("facts-file-not-utf8", [*CX, "--facts", "{tmp}/facts.json"], ("facts.json",), base=False,
        files={"../facts.json": '{"corrected": "是"}'.encode("gbk")}),
    Row("facts-stdin-bad-json", [*CX, "--facts", "-"], ("-", "JSON"), base=False, stdin="{not json"),
]

# ---- check: every file problem above is also a finding of `discretion check` (exit 1)
CHECK = ["--no-bundled", "check", "{data}"]
ROWS += [
    Row(f"check-{r.id}", CHECK, r.names, r.files, setup=r.setup, status=1, stream="out")
    for r in list(ROWS) if r.argv == LIST and r.id != "data-path-missing"
]
ROWS += [
    Row("check-tier-overlap", CHECK, ("bm.toml", "B010", "B020"), status=1, stream="out",
        files={"bm.toml": benchmark("t-bm", TIERS.replace('when = "area_m2 >= 10"', 'when = "area_m2 > 5"'))}),
    Row("check-tier-gap", CHECK, ("bm.toml", "tier-gap", "area_m2 = 10"), status=1, stream="out",
        files={"bm.toml": benchmark("t-bm", TIERS.replace('when = "area_m2 >= 10"', 'when = "area_m2 > 10"'))}),
    Row("check-tier-above-statute", CHECK, ("bm.toml", "B020", "tier-out-of-range"), status=1, stream="out",
        files={"bm.toml": benchmark("t-bm", TIERS.replace("fine = [500, 2000]", "fine = [500, 5000]"))}),
    Row("check-path-missing", ["--no-bundled", "check", "{tmp}/nowhere"], ("nowhere",), base=False),
]

# ---- export: nothing is written when the export fails (-o writes atomically)
EXPORT = ["export", "--region", "000000", "--format", "html", "-o", "{tmp}/work/out.html"]
ROWS += [
    Row("export-broken-data", [*EXPORT, *DATA], ("law.toml", "item[1].colour"),
        {"law.toml": LAW.replace('category = "测试"', 'category = "测试"\ncolour = "red"')}),
    Row("export-division-by-zero", [*EXPORT, *DATA], ("law.toml", "fine[2]"),
        {"law.toml": LAW.replace("fine = [0, 2000]", 'fine = [0, "2000 / (5 - 5)"]')}),
    Row("export-unknown-extension", ["export", "-o", "{tmp}/work/out.xyz"], ("out.xyz",), base=False),
    Row("export-unknown-format", ["export", "--format", "pdf"], ("pdf",), base=False),
    Row("export-missing-folder", ["export", "--format", "html", "-o", "{tmp}/work/no/such/out.html"],
        ("out.html",), base=False),
    Row("export-bad-region", ["export", "--format", "csv", "--region", "000001"], ("000001",), base=False),
]

# ---- audit: a bad file is exit 2; a bad row is listed with its line number and skipped
AUDIT = ["audit", "--region", "000000", "{tmp}/decisions.csv"]
AUDIT_JSONL = ["audit", "--region", "000000", "{tmp}/decisions.jsonl"]
HEADER = "code,subject,fine,decision,occurred,discovered,region,corrected\n"
GOOD_ROW = "CXGH-64,organization,60000,penalty,2024-01-01,2024-02-01,000000,false\n"


def audit_row(row_id: str, bad: str, names: tuple[str, ...]) -> Row:
    return Row(f"audit-row-{row_id}", AUDIT, ("第 3 行", *names), base=False, status=(0, 1), stream="out",
               files={"../decisions.csv": HEADER + GOOD_ROW + bad + "\n"})


ROWS += [
    Row("audit-unknown-column", AUDIT, ("colour",), base=False,
        files={"../decisions.csv": "code,subject,colour\nCXGH-64,person,red\n"}),
    Row("audit-empty-file", AUDIT, ("为空",), base=False, files={"../decisions.csv": ""}),
    Row("audit-missing-file", ["audit", "{tmp}/nowhere.csv"], ("nowhere.csv",), base=False),
    Row("audit-directory", ["audit", "{tmp}/work"], ("work",), base=False),
    audit_row("bad-fine", "CXGH-64,organization,lots,penalty,2024-01-01,2024-02-01,000000,false", ("lots",)),
    audit_row("negative-fine", "CXGH-64,organization,-5,penalty,2024-01-01,2024-02-01,000000,false", ("-5",)),
    audit_row("unknown-code", "CXGH-999,organization,5,penalty,2024-01-01,2024-02-01,000000,false",
              ("CXGH-999",)),
    audit_row("bad-subject", "CXGH-64,robot,5,penalty,2024-01-01,2024-02-01,000000,false", ("robot",)),
    audit_row("bad-decision", "CXGH-64,organization,5,maybe,2024-01-01,2024-02-01,000000,false", ("maybe",)),
    audit_row("bad-fact", "CXGH-64,organization,5,penalty,2024-01-01,2024-02-01,000000,perhaps",
              ("corrected", "perhaps")),
    audit_row("dates-wrong-order", "CXGH-64,organization,5,penalty,2024-05-01,2024-02-01,000000,false",
              ("2024-05-01",)),
    audit_row("bad-date", "CXGH-64,organization,5,penalty,2024-13-01,,000000,false", ("2024-13-01",)),
    audit_row("bad-region", "CXGH-64,organization,5,penalty,2024-01-01,2024-02-01,990000,false", ("990000",)),
    audit_row("field-count", "CXGH-64,organization,5", ("3", "8")),
    Row("audit-row-json-nan", AUDIT_JSONL, ("第 2 行", "NaN"), base=False, status=(0, 1), stream="out",
        files={"../decisions.jsonl": '{"code": "CXGH-64", "subject": "person", "fine": 1}\n'
                                     '{"code": "CXGH-64", "subject": "person", "fine": NaN}\n'}),
    Row("audit-row-json-syntax", AUDIT_JSONL, ("第 1 行", "JSON"), base=False, status=(0, 1), stream="out",
        files={"../decisions.jsonl": '{"code": "CXGH-64", "subject": \n'}),
    Row("audit-row-json-not-object", AUDIT_JSONL, ("第 1 行", "对象"), base=False, status=(0, 1), stream="out",
        files={"../decisions.jsonl": "[1, 2]\n"}),
    Row("audit-row-json-1e400", AUDIT_JSONL, ("第 1 行", "1E+400"), base=False, status=(0, 1), stream="out",
        files={"../decisions.jsonl": '{"code": "CXGH-64", "subject": "person", "fine": 1e400}\n'}),
]

IDS = [r.id for r in ROWS]
assert len(set(IDS)) == len(IDS)


# --------------------------------------------------------------------------- running a row


@pytest.fixture
def bundled_once(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled set is loaded once per session: rows that use it only pay for the command."""
    real = discretion.library.load

    def load(*paths: str | os.PathLike[str], bundled: bool = True, cache: bool | None = None) -> Library:
        if bundled and not paths:
            return library
        return real(*paths, bundled=bundled, cache=cache)

    monkeypatch.setattr(discretion.library, "load", load)


def prepare(row: Row, tmp: Path) -> tuple[list[str], Path, Path]:
    data = tmp / "data"
    work = tmp / "work"
    data.mkdir()
    work.mkdir()
    if row.base:
        (data / "rules.toml").write_text(RULES, encoding="utf-8")
        (data / "law.toml").write_text(LAW, encoding="utf-8")
    for name, content in row.files.items():
        path = data / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if row.setup is not None:
        row.setup(data)
    argv = [a.format(data=data, tmp=tmp) for a in row.argv]
    return argv, data, work


def snapshot(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("row", ROWS, ids=IDS)
@pytest.mark.usefixtures("bundled_once")
def test_bad_input(row: Row, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    argv, data, work = prepare(row, tmp_path)
    monkeypatch.chdir(work)
    monkeypatch.delenv("DISCRETION_DATA", raising=False)
    monkeypatch.delenv("DISCRETION_REGION", raising=False)
    for key, value in row.env.items():
        monkeypatch.setenv(key, value)
    if row.stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(row.stdin))
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    allowed = row.status if isinstance(row.status, tuple) else (row.status,)
    assert exit_info.value.code in allowed, (out, err)
    assert "Traceback" not in err and "Traceback" not in out
    text = err if row.stream == "err" else out
    lines = text.strip().splitlines()
    assert 1 <= len(lines) <= row.max_lines, text
    assert len(text) < 4000, text[:500]
    for name in row.names:
        assert name.format(data=data, tmp=tmp_path) in text, (name, text)
    assert snapshot(work) == set(), "a failed command left files behind"


def test_matrix_is_large_enough() -> None:
    assert len(ROWS) >= 40


# A few rows again as real processes: the installed entry point, exit status and stderr.
PROCESS_ROWS = ["toml-syntax", "expr-division-by-zero-at-assess", "fact-nan", "facts-json-syntax"]


@pytest.mark.parametrize("row_id", PROCESS_ROWS)
def test_bad_input_in_a_process(row_id: str, tmp_path: Path) -> None:
    row = next(r for r in ROWS if r.id == row_id)
    argv, data, work = prepare(row, tmp_path)
    env = {**os.environ, "DISCRETION_NO_CACHE": "1", **row.env}
    env.pop("DISCRETION_DATA", None)
    proc = subprocess.run([sys.executable, "-m", "discretion", *argv], capture_output=True, text=True,
                          cwd=work, env=env, timeout=120)
    assert proc.returncode == row.status
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    for name in row.names:
        assert name.format(data=data, tmp=tmp_path) in proc.stderr
    assert snapshot(work) == set()


def test_directory_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    """A folder that links back to itself is not followed: the load ends, once."""
    (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
    (tmp_path / "law.toml").write_text(LAW, encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "again")
    lib = discretion.load(tmp_path, bundled=False)
    assert [d.id for d in lib.documents].count("t-law") == 1


def test_commands_exist() -> None:
    """The matrix covers every command the CLI has that reads user input."""
    commands = {a for r in ROWS for a in r.argv if a in cli.commands}
    assert commands == set(cli.commands)
