"""Publication (公示, 行政处罚法第三十四条): the table, its wording, the three formats, escaping
and the `export` command (atomic -o, formats, errors)."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import discretion
from discretion import publish
from discretion.cli import cli
from discretion.errors import InputError
from discretion.expr import BOOL, NUMBER, enum_type, parse
from discretion.library import Library
from discretion.model import Bounds, Fact, FineRule
from discretion.publish import COLUMNS, Phrases, PublicDocument, Row, Table, build_table

DAY = dt.date(2025, 6, 1)
XSS = "<script>alert(1)</script>"

# ----------------------------------------------------------------------------- wording

FACTS = {
    "area_m2": Fact("area_m2", "number", "占用面积", unit="平方米"),
    "cost": Fact("cost", "money", "建设工程造价"),
    "gains": Fact("gains", "money", "违法所得", unit="元"),
    "corrected": Fact("corrected", "bool", "及时改正"),
    "refused": Fact("refused", "bool", "逾期不改正"),
    "harm": Fact("harm", "enum", "危害后果", values=("none", "minor", "general", "serious"),
                 labels=(("none", "无"), ("minor", "轻微"), ("general", "一般"), ("serious", "严重"))),
}
TYPES = {
    "area_m2": NUMBER, "cost": NUMBER, "gains": NUMBER, "corrected": BOOL, "refused": BOOL,
    "harm": enum_type(("none", "minor", "general", "serious")),
    "subject": enum_type(("person", "organization")),
    "legal_min": NUMBER, "legal_max": NUMBER,
}
PH = Phrases(FACTS)


def cond(source: str) -> str:
    return PH.condition(parse(source, TYPES, expect=BOOL))


@pytest.mark.parametrize(("source", "words"), [
    ("area_m2 < 5", "占用面积 < 5 平方米"),
    ("5 <= area_m2 < 10", "5 平方米 ≤ 占用面积 < 10 平方米"),
    ("area_m2 >= 10.50", "占用面积 ≥ 10.5 平方米"),
    ("corrected", "及时改正"),
    ("not refused", "并非逾期不改正"),
    ("corrected == false", "并非及时改正"),
    ("harm == 'minor'", "危害后果为轻微"),
    ("harm != 'serious'", "危害后果不为严重"),
    ("harm <= 'minor'", "危害后果为无或轻微"),
    ("'general' <= harm", "危害后果为一般或严重"),
    ("harm in ['none', 'minor', 'general']", "危害后果不为严重"),
    ("harm not in ['none']", "危害后果不为无"),
    ("harm in ['minor', 'general']", "危害后果为轻微或一般"),
    ("harm >= 'none'", "一切情形"),
    ("subject == 'person'", "当事人为个人"),
    ("refused and (area_m2 > 10 or harm == 'serious')", "逾期不改正，且（占用面积 > 10 平方米，或危害后果为严重）"),
    ("not (corrected and area_m2 <= 5)", "并非（及时改正，且占用面积 ≤ 5 平方米）"),
    ("0.05 * cost < 1000", "0.05 × 建设工程造价 < 1000 元"),
    ("(area_m2 + 1) * 2 > 4", "（占用面积 + 1） × 2 > 4 平方米"),
    ("area_m2 - (1 + 2) > 0", "占用面积 - 3 > 0 平方米"),
    ("max(area_m2, 2) < 5", "占用面积与2中的较大者 < 5 平方米"),
    ("true", "一切情形"),
])
def test_conditions_are_written_for_people(source: str, words: str) -> None:
    assert cond(source) == words


def test_no_condition_is_every_case() -> None:
    assert PH.condition(None) == "一切情形"


def bounds(low: str | int, high: str | int) -> Bounds:
    return Bounds(parse(low, TYPES, expect=NUMBER), parse(high, TYPES, expect=NUMBER))


@pytest.mark.parametrize(("low", "high", "words"), [
    (500, 1500, "500元以上1500元以下"),
    (0, 200, "200元以下"),
    (3000, 3000, "3000元"),
    (5000, 50000, "5000元以上5万元以下"),
    (15000, 100000, "1.5万元以上10万元以下"),
    ("0.5", "12345.678", "0.5元以上12345.67元以下"),
    ("0.05 * cost", "0.10 * cost", "建设工程造价5%以上10%以下"),
    (0, "cost / 10", "建设工程造价10%以下"),
    ("gains", "3 * gains", "违法所得1倍以上3倍以下"),
    (0, "min(3 * cost, 10000)", "建设工程造价3倍以下，且不超过1万元"),
    (0, "min(10000, cost / 2)", "建设工程造价50%以下，且不超过1万元"),
    ("legal_max / 10", "legal_max / 2", "（法定最高罚款额 ÷ 10）以上（法定最高罚款额 ÷ 2）以下"),
])
def test_fine_bounds_in_words(low: str | int, high: str | int, words: str) -> None:
    assert PH.bounds(bounds(low, high)) == words


def test_fine_per_subject_and_template_bounds() -> None:
    per_subject = FineRule(organization=bounds(500, 1500), person=bounds(200, 500))
    assert PH.fine(per_subject) == "单位：500元以上1500元以下；个人：200元以上500元以下"
    assert PH.fine(FineRule(organization=bounds(500, 1500))) == "单位：500元以上1500元以下；个人：不罚款"
    assert PH.fine(FineRule(delegated=True)) == "罚款数额由地方性法规或者规章规定"
    assert PH.fine(None) == "不罚款"
    template = FineRule(common=bounds("legal_max / 10", "legal_max / 2"))
    legal = {"organization": (Decimal(0), Decimal(20000)), "person": (Decimal(0), Decimal(2000))}
    assert PH.fine(template, legal) == "单位：2000元以上1万元以下；个人：200元以上1000元以下"
    same = {"organization": (Decimal(0), Decimal(20000)), "person": (Decimal(0), Decimal(20000))}
    assert PH.fine(template, same) == "2000元以上1万元以下"


# ----------------------------------------------------------------------------- the table


@pytest.fixture(scope="module")
def table(library: Library) -> Table:
    return build_table(library, "430381", DAY)


def test_one_row_per_tier_bracket_and_exemption(library: Library, table: Table) -> None:
    items = library.items("430381", on=DAY)
    assert table.items == len(items)
    expected = 0
    for r in items:
        expected += len(r.tiers.tiers) if r.tiers is not None else len(r.brackets)
        expected += len(r.exemptions)
    assert len(table.rows) == expected
    assert [r.seq for r in table.rows] == sorted(r.seq for r in table.rows)
    assert {r.kind for r in table.rows} == {"tier", "statutory", "exemption"}
    for row in table.rows:
        assert len(row.cells()) == len(COLUMNS) == 7
        assert row.documents and all(1 <= n <= len(table.documents) for n in row.documents)


def test_tier_rows_read_like_a_published_benchmark(table: Table) -> None:
    rows = [r for r in table.rows if r.code == "SRHW-34-2"]
    tiers = [r for r in rows if r.kind == "tier"]
    assert [r.tier for r in tiers] == ["较轻", "一般", "严重", "情节严重"]
    first = tiers[0]
    assert first.condition.startswith("并非情节严重或者造成严重后果，且涉及面积")
    assert "< 1 平方米" in first.condition
    assert "说明：涂写、刻画、张贴面积不足1平方米的" in first.condition
    assert first.standard.startswith("100元以上300元以下")
    assert first.sample
    assert "《城市市容和环境卫生管理条例》第三十四条" in first.punishes or "第三十四条" in first.punishes


def test_template_tiers_show_amounts_not_formulas(table: Table) -> None:
    rows = [r for r in table.rows if r.code == "CSDL-42-1" and r.kind == "tier"]
    assert [r.standard.splitlines()[0] for r in rows] == ["2000元", "2000元以上1万元以下", "1万元以上2万元以下", "2万元"]


def test_exemption_rows(table: Table) -> None:
    rows = [r for r in table.rows if r.kind == "exemption"]
    assert rows
    for row in rows:
        assert row.tier.startswith("免罚清单（")
        assert row.standard in ("不予处罚", "可以不予处罚")
        assert "第三十三条" in row.punishes
        assert "条件：" in row.condition or row.condition


def test_items_without_tiers_show_the_statutory_brackets(library: Library) -> None:
    t = build_table(library, "000000", DAY)
    assert not t.sample
    cxgh = [r for r in t.rows if r.code == "CXGH-64"]
    assert [r.tier for r in cxgh] == ["法定幅度（1）", "法定幅度（2）", "法定幅度（3）"]
    assert cxgh[0].standard.splitlines()[0] == "建设工程造价5%以上10%以下"
    assert cxgh[0].condition == "尚可采取改正措施消除对规划实施的影响"
    assert cxgh[1].condition == "并非尚可采取改正措施消除对规划实施的影响，且能够拆除"
    jzlj = next(r for r in t.rows if r.code == "JZLJ-26")
    assert jzlj.standard.splitlines()[0] == "单位：5000元以上5万元以下；个人：200元以下"
    assert "处罚种类：警告、罚款" in jzlj.standard


def test_every_document_used_is_listed_with_number_and_dates(table: Table) -> None:
    titles = {d.title: d for d in table.documents}
    assert "湘潭市城市管理和综合执法局行政处罚裁量基准（示例）" in titles
    assert titles["城市道路管理条例"].number == "国务院令第198号"
    assert titles["城市道路管理条例"].effective == dt.date(2017, 3, 1)
    assert titles["中华人民共和国行政处罚法"].kind == "rules"  # cited by the exemption rows
    assert [d.ref for d in table.documents] == list(range(1, len(table.documents) + 1))
    assert table.documents[0].kind == "benchmark"
    assert table.sample


def test_export_depends_on_the_date(library: Library) -> None:
    before = build_table(library, "430381", dt.date(2023, 6, 1))
    assert not before.sample  # the 湘潭/湘乡 samples take effect 2024-01-01
    assert not any(r.kind == "exemption" for r in before.rows)


# ----------------------------------------------------------------------------- formats


def test_csv_has_bom_header_and_round_trips(table: Table) -> None:
    data = publish.render(table, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [*COLUMNS, "事项编号", "所据文件"]
    assert len(rows) == len(table.rows) + 1
    body = rows[1:]
    assert any("\n" in cell for row in body for cell in row)  # multi-line cells survive quoting
    first = table.rows[0]
    assert body[0][:4] == list(first.cells()[:4])
    assert all("示例数据" in r[4] for r, t in zip(body, table.rows, strict=True) if t.sample)
    assert any("《城市道路管理条例》（国务院令第198号），2017-03-01 施行" in r[8] for r in body)


def test_csv_cells_cannot_become_formulas() -> None:
    row = Row(seq=1, code="=1+1", name="=HYPERLINK(\"http://x\")", category="", violates="-1", punishes="+1",
              tier="@A1", condition="ok", standard="", kind="tier", documents=(), sample=False)
    t = Table(region="120000", on=DAY, rows=(row,), documents=(), items=1)
    body = list(csv.reader(io.StringIO(publish.render_csv(t), newline="")))[1]
    assert body[:6] == ["1", "'=HYPERLINK(\"http://x\")", "'-1", "'+1", "'@A1", "ok"]
    assert body[7] == "'=1+1"


def test_markdown_table_escapes_pipes_and_markup(table: Table) -> None:
    text = publish.render(table, "md").decode("utf-8")
    assert text.startswith("# 行政处罚裁量基准公示表\n")
    assert "示例数据" in text and "国务院令第198号" in text and "2017-03-01" in text
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    assert lines[0].count(" | ") == 8  # the documents table
    header = next(line for line in lines if line.startswith("| 序号 |"))
    assert header == "| " + " | ".join(COLUMNS) + " |"
    for line in lines:
        cells = re.split(r"(?<!\\)\|", line)
        assert len(cells) in (9 + 2, 7 + 2), line  # every row has exactly its columns


def test_json_export(table: Table) -> None:
    data = json.loads(publish.render(table, "json"))
    assert data["schema"] == "discretion.publication/1"
    assert data["columns"] == list(COLUMNS)
    assert len(data["rows"]) == len(table.rows)
    assert data["sample"] is True


class _Page(HTMLParser):
    """Tags, script bodies, attribute URLs and cell texts of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.urls: list[str] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None
        self._in: str | None = None
        self.meta: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset") and value:
                self.urls.append(value)
        if tag == "meta":
            self.meta.append(dict(attrs))
        if tag in ("script", "style"):
            self._in = tag
        if tag in ("td", "th"):
            self._cell = []
        if tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None
        if tag in ("script", "style"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)
        elif self._cell is not None:
            self._cell.append(data)


def parse_page(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def test_html_is_one_self_contained_page(table: Table) -> None:
    text = publish.render(table, "html").decode("utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    page = parse_page(text)
    assert {"charset": "utf-8"} in page.meta
    assert page.tags.count("script") == 1 and page.tags.count("style") == 1
    assert not {"link", "img", "iframe", "object", "embed", "base", "form"} & set(page.tags)
    assert "thead" in page.tags and "tbody" in page.tags and "input" in page.tags
    # only in-page anchors and the documents' sources (plain links, never loaded)
    assert all(u.startswith("#") or u.startswith(("https://", "http://")) for u in page.urls)
    assert "url(" not in page.styles[0] and "@import" not in page.styles[0]
    assert "fetch" not in page.scripts[0] and "XMLHttpRequest" not in page.scripts[0]
    # the Content-Security-Policy allows exactly this script and this style, nothing else
    csp = next(m["content"] for m in page.meta if m.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp
    for body in (page.scripts[0], page.styles[0]):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "示例数据" in text and "国务院令第198号" in text and "2017-03-01" in text
    for column in COLUMNS:
        assert f'<th scope="col">{column}</th>' in text


XSS_DOC = (Path(__file__).parent / "fixtures" / "xss" / "xss.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def xss_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    folder = tmp_path_factory.mktemp("xss")
    (folder / "xss.toml").write_text(XSS_DOC, encoding="utf-8")
    return discretion.load(folder, cache=False)


def test_data_with_script_is_escaped_in_html(xss_library: Library) -> None:
    t = build_table(xss_library, "120000", DAY)
    text = publish.render(t, "html").decode("utf-8")
    assert XSS not in text
    assert text.count("<script") == 1
    assert "onerror=alert" not in text.replace("onerror=alert(2)&gt;", "")
    assert 'href="javascript:' not in text
    page = parse_page(text)
    assert page.tags.count("script") == 1 and "img" not in page.tags and "b" not in page.tags
    assert any(c.startswith("较轻" + XSS) for c in page.cells)
    assert any("备注 " + XSS + " & | 管道" in c for c in page.cells)
    assert any(c.startswith("倾倒数量" + XSS + " < 10 立方米") for c in page.cells)
    assert any(c.startswith("测试裁量基准" + XSS) for c in page.cells)
    assert any(c == "津测〔2025〕1号 & <b>" for c in page.cells)


def test_data_with_script_is_escaped_in_markdown_and_csv(xss_library: Library) -> None:
    t = build_table(xss_library, "120000", DAY)
    md = publish.render(t, "md").decode("utf-8")
    assert XSS not in md and "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "\\| 管道 \\*粗\\* \\`码\\`" in md
    rows = list(csv.reader(io.StringIO(publish.render(t, "csv").decode("utf-8-sig"), newline="")))
    assert any(r[4].startswith("较轻" + XSS) for r in rows)  # CSV keeps the text as it is


_text = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("<>&\"'|\n*_`[]\\")),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(name=_text, condition=_text, standard=_text, title=_text)
def test_any_text_stays_text_in_every_format(name: str, condition: str, standard: str, title: str) -> None:
    doc = PublicDocument(ref=1, id="d", title=title, number=name, issuer="", kind="benchmark", level="county",
                         region="430381", effective=DAY, expires=None, status="sample", source=condition)
    row = Row(seq=1, code="X-1", name=name, category="", violates=title, punishes="", tier=name,
              condition=condition, standard=standard, kind="tier", documents=(1,), sample=True)
    t = Table(region="430381", on=DAY, rows=(row,), documents=(doc,), items=1)
    page = parse_page(publish.render_html(t))
    assert page.tags.count("script") == 1
    assert condition in page.cells and standard in page.cells
    assert any(c.startswith(name) for c in page.cells)
    md_lines = [line for line in publish.render_md(t).splitlines() if line.startswith("| 1 |")]
    assert len(md_lines) == 1
    assert len(re.split(r"(?<!\\)\|", md_lines[0].replace("\\\\", ""))) == 9
    body = list(csv.reader(io.StringIO(publish.render_csv(t), newline="")))[1]
    assert body[5] == publish._csv_cell(condition) and body[6] == publish._csv_cell(standard)


# ----------------------------------------------------------------------------- the command


def invoke(*args: str) -> tuple[int, str, bytes]:
    res = CliRunner().invoke(cli, list(args))
    return res.exit_code, res.stderr, res.stdout_bytes


def test_export_to_stdout_and_file(tmp_path: Path) -> None:
    code, _, out = invoke("export", "--format", "csv", "--on", "2025-06-01")
    assert code == 0 and out.startswith(b"\xef\xbb\xbf\xe5\xba\x8f\xe5\x8f\xb7")  # BOM + 序号
    target = tmp_path / "公示.html"
    code, err, out = invoke("export", "-o", str(target), "--on", "2025-06-01")  # format from the suffix
    assert code == 0, err
    assert out == b""
    assert target.read_bytes().startswith(b"<!DOCTYPE html>")
    assert "已导出" in err and "含示例数据" in err
    assert [p.name for p in tmp_path.iterdir()] == ["公示.html"]  # no temporary left behind


def test_export_region_from_global_option(tmp_path: Path) -> None:
    code, _, out = invoke("--region", "000000", "export", "--format", "json", "--on", "2025-06-01")
    assert code == 0
    data = json.loads(out)
    assert data["region"] == "000000" and data["sample"] is False
    code, _, out = invoke("export", "--json", "--region", "430381")
    assert code == 0 and json.loads(out)["region"] == "430381"


@pytest.mark.parametrize("args", [
    ["export"],
    ["export", "-o", "x.txt"],
    ["export", "--format", "pdf"],
    ["export", "--format", "md", "--on", "2025-13-01"],
    ["export", "--format", "md", "--region", "99"],
    ["export", "--format", "md", "-o", "/nonexistent-dir/x.md"],
])
def test_export_bad_input_exits_2(args: list[str]) -> None:
    proc = __import__("subprocess").run(
        [__import__("sys").executable, "-m", "discretion", *args], capture_output=True, text=True,
        env={**os.environ, "DISCRETION_NO_CACHE": "1"})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 4  # click's usage errors take four lines


def test_output_to_a_directory_is_refused(tmp_path: Path) -> None:
    code, _, _ = invoke("export", "--format", "md", "-o", str(tmp_path))
    assert code == 2


@pytest.fixture
def old_file(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "table.md"
    target.write_text("the old table\n", encoding="utf-8")
    os.chmod(target, 0o640)
    yield target


def test_failed_write_keeps_the_old_file(old_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(InputError, match="No space left on device"):
        publish.write_atomic(old_file, b"new")
    assert old_file.read_text(encoding="utf-8") == "the old table\n"
    assert [p.name for p in old_file.parent.iterdir()] == ["table.md"]


def test_failed_export_keeps_the_old_file(old_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_render(table: Table, fmt: str) -> bytes:
        raise InputError("rendering failed")

    monkeypatch.setattr(publish, "render", broken_render)
    res = CliRunner().invoke(cli, ["export", "-o", str(old_file)])
    assert isinstance(res.exception, InputError)  # main() turns it into exit status 2
    assert old_file.read_text(encoding="utf-8") == "the old table\n"
    assert [p.name for p in old_file.parent.iterdir()] == ["table.md"]


def test_rewrite_keeps_the_file_mode(old_file: Path) -> None:
    publish.write_atomic(old_file, "新表\n".encode())
    assert old_file.read_text(encoding="utf-8") == "新表\n"
    assert old_file.stat().st_mode & 0o777 == 0o640


def test_format_for() -> None:
    assert publish.format_for("a/b.HTM") == "html"
    assert publish.format_for("x.csv") == "csv"
    assert publish.format_for("x.markdown") == "md"
    assert publish.format_for("noext") is None
