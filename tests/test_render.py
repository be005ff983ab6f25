"""Reading the result: the Chinese layout, CJK alignment, wrapping, colour only on a terminal,
English labels and money as 「5,000.00 元」."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest

from discretion.library import Library
from discretion.model import Assessment
from discretion.render import (
    LABELS,
    assessment,
    condition_text,
    pad,
    strip_ansi,
    truncate,
    width,
    wrap,
    yuan,
)

DATES = {"occurred": dt.date(2024, 3, 1), "discovered": dt.date(2024, 4, 1), "decided": dt.date(2024, 5, 1)}
ROW_KEYS = ("conclusion", "fine", "statutory", "tier", "penalties", "measures", "procedure",
            "circumstances", "exemptions")


def penalty(library: Library) -> Assessment:
    return library.assess("JZLJ-26", subject="organization", facts={"corrected": False},
                          region="000000", **DATES)


def undetermined(library: Library) -> Assessment:
    return library.assess("DQWR-118-K3", subject="person", facts={}, region="000000", **DATES)


def no_penalty(library: Library) -> Assessment:
    return library.assess("DQWR-118-K3", subject="person",
                          facts={"corrected": True, "minor_violation": True, "harm": "none"},
                          region="000000", **DATES)


# --------------------------------------------------------------------------- geometry


def test_width_counts_cells() -> None:
    assert width("abc") == 3
    assert width("罚款") == 4
    assert width("（）：") == 6  # full-width punctuation
    assert width("\x1b[1m结论\x1b[0m") == 4  # colour codes take no room
    assert width("e\u0301") == 1  # a combining accent takes none


def test_pad_to_display_width() -> None:
    assert width(pad("结论", 10)) == 10
    assert width(pad("Outcome", 10)) == 10
    assert pad("罚款幅度太长了", 4) == "罚款幅度太长了"  # never cut


def test_truncate() -> None:
    assert truncate("露天烧烤食品", 20) == "露天烧烤食品"
    cut = truncate("在当地人民政府禁止的时段和区域内露天烧烤食品", 12)
    assert width(cut) <= 12 and cut.endswith("…")


@pytest.mark.parametrize("cells", [10, 17, 30])
def test_wrap_fits_and_keeps_text(cells: int) -> None:
    text = "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。初次违法且危害后果轻微并及时改正的，可以不予行政处罚。"
    lines = wrap(text, cells)
    assert "".join(lines) == text
    assert all(width(line) <= cells for line in lines)
    assert not any(line[0] in "，。、；：）" for line in lines)


def test_wrap_latin_at_spaces() -> None:
    lines = wrap("the fine range if a penalty is imposed by the agency", 20)
    assert all(width(line) <= 20 for line in lines)
    assert " ".join(lines) == "the fine range if a penalty is imposed by the agency"


def test_wrap_none_means_no_wrapping() -> None:
    assert wrap("很长" * 100, None) == ["很长" * 100]


def test_money_format() -> None:
    assert yuan(Decimal("5000")) == "5,000.00 元"
    assert yuan(Decimal("1234567.5")) == "1,234,567.50 元"
    assert yuan(Decimal("5000"), "en") == "5,000.00 yuan"


# --------------------------------------------------------------------------- layout


def value_columns(text: str, lang: str) -> dict[str, int]:
    """For each row label at the start of a line: the display column where its value begins."""
    labels = {LABELS[lang][k] for k in ROW_KEYS}
    found = {}
    for line in text.splitlines():
        for label in labels:
            if line.startswith(label) and line[len(label):len(label) + 1] == " ":
                rest = line[len(label):]
                found[label] = width(label) + width(rest) - width(rest.lstrip(" "))
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", [penalty, undetermined, no_penalty])
def test_rows_align_by_display_width(library: Library, lang: str, case: object) -> None:
    a = case(library)  # type: ignore[operator]
    text = assessment(a, lang, facts=library.facts)
    columns = value_columns(text, lang)
    assert len(columns) >= 3, text
    assert len(set(columns.values())) == 1, columns
    start = next(iter(columns.values()))
    # continuation lines of a row (procedure flags, reasons) start at the same column
    lines = text.splitlines()
    label = LABELS[lang]["conclusion"]
    i = next(n for n, line in enumerate(lines) if line.startswith(label))
    for line in lines[i + 1:]:
        if not line.strip():
            break
        if line.startswith(" "):
            assert width(line) - width(line.lstrip(" ")) == start, line


def test_chinese_sections_in_order(library: Library) -> None:
    text = assessment(penalty(library), "zh", facts=library.facts)
    order = [text.index(label) for label in ("结论", "罚款幅度", "处罚种类", "责令措施", "程序提示", "依据")]
    assert order == sorted(order)
    assert "5,000.00 元 至 50,000.00 元" in text
    assert "应当给予行政处罚" in text


def test_procedure_flags_align(library: Library) -> None:
    text = assessment(penalty(library), "zh")
    lines = text.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith("程序提示"))
    block = lines[i:i + 4]
    flags = [line.split()[-1] for line in block]
    assert all(f in ("是", "否", "待定") for f in flags)
    ends = {width(line) - width(line.split()[-1]) for line in block}
    assert len(ends) == 1  # the flags stand in one column


def test_basis_roles_align(library: Library) -> None:
    text = assessment(penalty(library), "zh")
    basis = text.split("\n依据\n", 1)[1].split("\n")
    rows = []
    for line in basis:
        if not line.startswith("  "):
            break  # the next heading
        rows.append(line)
    assert rows
    assert len({width(line[: line.index("《")]) for line in rows}) == 1
    assert rows[0].lstrip().startswith("违法依据") or rows[0].lstrip().startswith("处罚依据")


def test_undetermined_names_facts_by_label(library: Library) -> None:
    text = assessment(undetermined(library), "zh", facts=library.facts)
    assert "取决于" in text and "及时改正" in text and "危害后果" in text
    assert "（如应当处罚）" in text
    assert "危害后果为“无”" in text  # 待定情形 written for people
    assert "及时改正（corrected）" in text  # 待补充事实: label and the -f name


def test_no_penalty_gives_grounds_and_no_fine(library: Library) -> None:
    text = assessment(no_penalty(library), "zh", facts=library.facts)
    assert "不予行政处罚" in text and "理由：" in text
    assert "罚款幅度" not in text and "程序提示" not in text


def test_english_labels(library: Library) -> None:
    text = assessment(penalty(library), "en", facts=library.facts)
    for label in ("Outcome", "Fine range", "Statutory range", "Penalties", "Orders", "Procedure",
                  "Legal basis", "punished under", "5,000.00 yuan to 50,000.00 yuan"):
        assert label in text
    for label in ("结论", "罚款幅度", "程序提示", "处罚依据"):
        assert label not in text
    assert "fine" in text and "warning" in text


def test_no_colour_unless_asked(library: Library) -> None:
    a = penalty(library)
    plain = assessment(a, "zh", color=False)
    coloured = assessment(a, "zh", color=True)
    assert "\x1b" not in plain
    assert "\x1b[" in coloured
    assert strip_ansi(coloured) == plain


def test_wraps_to_terminal_width(library: Library) -> None:
    a = library.assess("DQWR-117", subject="organization", facts={"corrected": False},
                       region="000000", **DATES)
    for columns in (60, 80):
        text = assessment(a, "zh", facts=library.facts, columns=columns)
        assert max(width(line) for line in text.splitlines()) <= columns
    assert max(width(line) for line in assessment(a, "zh").splitlines()) > 80  # piped: not wrapped


def test_condition_text(library: Library) -> None:
    facts = library.facts
    assert condition_text("minor_violation and corrected and harm == 'none'", facts) == \
        "违法行为轻微 且 及时改正 且 危害后果为“无”"
    assert condition_text("not corrected or harm >= 'serious'", facts) == "非 及时改正 或 危害后果 ≥ “严重”"
    assert condition_text("x % 2", facts) == "x % 2"  # not paraphrased: shown as written
    assert condition_text("corrected", facts, "en") == "corrected"


# --------------------------------------------------------------------------- the CLI


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "DISCRETION_NO_CACHE": "1", **env}
    return subprocess.run([sys.executable, "-m", "discretion", *args], capture_output=True, text=True,
                          env=full, check=False)


ARGS = ["assess", "JZLJ-26", "--subject", "单位", "-f", "corrected=否", "--region", "000000"]


def test_piped_output_has_no_ansi() -> None:
    proc = run(ARGS)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "结论" in proc.stdout


def _pty(args: list[str], **env: str) -> str:
    pexpect = pytest.importorskip("pexpect")
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full.update({"DISCRETION_NO_CACHE": "1", "TERM": "xterm", "COLUMNS": "100", **env})
    child = pexpect.spawn(sys.executable, ["-m", "discretion", *args], env=full, encoding="utf-8",
                          timeout=60, dimensions=(50, 100))
    child.expect(pexpect.EOF)
    child.close()
    return str(child.before)


def test_colour_on_a_terminal_and_no_color_respected() -> None:
    coloured = _pty(ARGS)
    assert "\x1b[" in coloured and "结论" in coloured
    plain = _pty(ARGS, NO_COLOR="1")
    assert "\x1b[" not in plain and "结论" in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured).split() == plain.split()


def test_terminal_output_wraps_to_its_width() -> None:
    text = _pty(["assess", "DQWR-117", "--subject", "单位", "-f", "corrected=否", "--region", "000000"],
                NO_COLOR="1")
    assert max(width(line) for line in text.replace("\r", "").splitlines()) <= 100
