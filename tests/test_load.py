"""The strict loader: each kind of bad file gives a problem naming file, key path and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from documents import header

from discretion.errors import BenchmarkError
from discretion.load import Locator, load_documents

RULES = header("rules", "测试规则", "rules", short="测试法", effective="2021-01-01") + """\
[facts.area_m2]
type = "number"
label = "面积"
min = 0

[facts.corrected]
type = "bool"
label = "及时改正"
"""

STATUTE = header("law", "中华人民共和国测试法", "statute", short="测试条例") + """\
[[item]]
code = "T-1"
name = "测试行为"
category = "测试"
punishes = [{ article = 10 }]
confidence = "verified"

[[item.statutory]]
penalties = ["fine"]
fine = [100, 1000]
"""


def write(tmp: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp


def problems(tmp: Path, files: dict[str, str]) -> list[str]:
    write(tmp, files)
    with pytest.raises(BenchmarkError) as info:
        load_documents([tmp])
    return [str(p) for p in info.value.problems]


def test_valid_set_loads(tmp_path: Path) -> None:
    docs = load_documents([write(tmp_path, {"rules.toml": RULES, "law.toml": STATUTE})])
    assert {d.id for d in docs} == {"rules", "law"}
    law = next(d for d in docs if d.id == "law")
    assert law.items[0].statutory[0].fine is not None


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda s: s.replace('code = "T-1"', 'code = "T-1"\ncolour = "red"'), ["item[1].colour", "未知的键 'colour'"]),
        (lambda s: s.replace('level = "national"', "level = 3"), ["document.level", "应为字符串"]),
        (lambda s: s.replace('title = "中华人民共和国测试法"\n', ""), ["document.title", "缺少必需的键 title"]),
        (lambda s: s.replace('penalties = ["fine"]', 'penalties = ["fine", "flogging"]'), ["item[1].statutory[1].penalties", "未知的处罚种类 'flogging'"]),
        (lambda s: s.replace("punishes = [{ article = 10 }]", 'punishes = [{ law = "不存在法", article = 10 }]'), ["item[1].punishes[1].law", "不存在法"]),
        (lambda s: s.replace("effective = 2020-01-01", 'effective = "2020-13-01"'), ["document.effective", "日期"]),
        (lambda s: s.replace('region = "000000"', 'region = "990000"'), ["document.region", "99"]),
        (lambda s: s.replace("fine = [100, 1000]", "fine = [1000, 100]"), ["item[1].statutory[1].fine", "下限 1000 高于上限 100"]),
        (lambda s: s.replace("fine = [100, 1000]", 'fine = [100, "aera_m2 * 2"]'), ["item[1].statutory[1].fine[2]", "aera_m2"]),
        (lambda s: s + '\n[[item]]\ncode = "T-1"\nname = "重复"\ncategory = "测试"\nconfidence = "verified"\npunishes = [{ article = 1 }]\n[[item.statutory]]\n', ["item[2].code", "重复"]),
        (lambda s: s.replace("fine = [100, 1000]", 'when = "area_m2 > \'big\'"\nfine = [100, 1000]'), ["item[1].statutory[1].when"]),
        (lambda s: s.replace('status = "official"', 'status = "draft"'), ["document.status", "official | sample"]),
    ],
    ids=["unknown-key", "wrong-type", "missing-key", "unknown-penalty", "unknown-law", "bad-date",
         "bad-region", "min-above-max", "unknown-name", "duplicate-code", "type-error", "bad-choice"],
)
def test_each_problem_names_file_key_and_line(tmp_path: Path, mutate, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    found = problems(tmp_path, {"rules.toml": RULES, "law.toml": mutate(STATUTE)})
    joined = "\n".join(found)
    assert "law.toml:" in joined
    for text in expected:
        assert text in joined, joined
    # a line number is given for problems inside the file
    assert any(":" in p.split("law.toml:", 1)[1].split(" ")[0] or p.split("law.toml:", 1)[1][0].isdigit()
               for p in found if "law.toml:" in p)


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_bytes("format = 1\ntitle = '测试'\n".encode("gbk"))
    found = problems(tmp_path, {"rules.toml": RULES})
    assert any("bad.toml" in p and "UTF-8" in p for p in found)


def test_not_toml(tmp_path: Path) -> None:
    found = problems(tmp_path, {"rules.toml": RULES, "broken.toml": "format = 1\n[document\n"})
    assert any("broken.toml:2" in p and "TOML" in p for p in found)


def test_empty_file(tmp_path: Path) -> None:
    found = problems(tmp_path, {"rules.toml": RULES, "empty.toml": ""})
    assert any("empty.toml" in p and "空文件" in p for p in found)


def test_all_problems_are_collected(tmp_path: Path) -> None:
    bad = STATUTE.replace('level = "national"', "level = 3").replace('penalties = ["fine"]', 'penalties = ["fine", "x"]')
    found = problems(tmp_path, {"rules.toml": RULES, "law.toml": bad, "empty.toml": ""})
    assert len(found) >= 3


def test_redeclared_fact_with_other_type(tmp_path: Path) -> None:
    other = STATUTE.replace("[[item]]", '[facts.corrected]\ntype = "number"\nlabel = "x"\n\n[[item]]')
    found = problems(tmp_path, {"rules.toml": RULES, "law.toml": other})
    assert any("facts.corrected" in p and "重新声明" in p for p in found)


def test_override_of_fixed_amount_rejected(tmp_path: Path) -> None:
    local = STATUTE.replace('id = "law"', 'id = "local"').replace('short = "测试条例"', 'short = "地方条例"') \
        .replace('level = "national"', 'level = "provincial"').replace('region = "000000"', 'region = "430000"') \
        .replace('name = "测试行为"\ncategory = "测试"\n', "").replace('confidence = "verified"\n', "")
    found = problems(tmp_path, {"rules.toml": RULES, "law.toml": STATUTE, "local.toml": local})
    assert any("local.toml" in p and "delegated" in p for p in found)


def test_cyclic_refines(tmp_path: Path) -> None:
    bench = """\
    format = 1
    [document]
    id = "b{n}"
    title = "基准{n}"
    kind = "benchmark"
    level = "provincial"
    region = "430000"
    effective = 2021-01-01
    status = "official"
    refines = ["b{m}"]
    [[item]]
    code = "T-1"
    [[item.tier]]
    id = "A"
    name = "一般"
    """
    found = problems(tmp_path, {"rules.toml": RULES, "law.toml": STATUTE,
                                "b1.toml": bench.format(n=1, m=2), "b2.toml": bench.format(n=2, m=1)})
    assert any("循环" in p for p in found)


def test_locator_counts_arrays_of_tables() -> None:
    text = '[[item]]\ncode = "A"\n[[item.tier]]\nid = "1"\n[[item.tier]]\nid = "2"\nfine = [1, 2]\n[[item]]\ncode = "B"\n[[item.tier]]\nid = "3"\n'
    loc = Locator(text)
    assert loc.line("item[1].tier[2].fine") == 7
    assert loc.line("item[2].tier[1].id") == 11
    assert loc.line("item[2].code") == 9


def test_keyword_fact_name_rejected(tmp_path: Path) -> None:
    bad = RULES + '\n[facts.lambda]\ntype = "bool"\nlabel = "x"\n'
    found = problems(tmp_path, {"rules.toml": bad})
    assert any("facts.lambda" in p and "不合法" in p for p in found)
