"""The interview (`assess -i`), driven through a pseudo-terminal as a case handler would:
answers, a bad answer that is asked again, completion; and the pieces it is built from."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

from discretion.errors import FactError
from discretion.interview import hint, parse_answer, question
from discretion.library import Library
from discretion.model import Fact

pexpect = pytest.importorskip("pexpect")

BASE = ["-m", "discretion", "assess", "DQWR-118-K3", "--region", "000000"]


def spawn(args: list[str]) -> Any:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update({"DISCRETION_NO_CACHE": "1", "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "120"})
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=60,
                          dimensions=(60, 120))
    child.screen = []  # everything read, for checks on the whole screen
    child.logfile_read = _Recorder(child.screen)
    return child


class _Recorder:
    def __init__(self, into: list[str]) -> None:
        self.into = into

    def write(self, data: str) -> None:
        self.into.append(data)

    def flush(self) -> None:
        pass


def screen(child: Any) -> str:
    return "".join(child.screen).replace("\r", "")


def finish(child: Any) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return screen(child)


def test_interview_answers_bad_answer_and_completion() -> None:
    child = spawn([*BASE, "--subject", "person", "-i"])
    # the most decisive question first: whether to penalise at all
    child.expect_exact("[1/4] 及时改正（是/否） — 决定是否处罚: ")
    child.sendline("是")
    child.expect_exact("危害后果（1 无／2 轻微／3 一般／4 严重，填序号或名称）")
    child.expect_exact(": ")
    child.sendline("9")  # not a choice
    child.expect_exact("输入无效")
    child.expect_exact("危害后果（")  # asked again
    child.expect_exact(": ")
    child.sendline("无")
    child.expect_exact("违法行为轻微（是/否）")
    child.expect_exact(": ")
    child.sendline("是")
    text = finish(child)
    assert child.exitstatus == 0, text
    # 不予处罚 is settled: 初次违法 is never asked
    assert "初次违法（是/否）" not in text
    assert text.count("危害后果（1 无") == 2
    assert "已回答：及时改正＝是；危害后果＝无；违法行为轻微＝是" in text
    assert "-f corrected=是 -f harm=none -f minor_violation=是" in text
    result = text.split("（命令行写法", 1)[1]
    assert "结论" in result and "不予行政处罚" in result
    assert "待补充事实" not in result


def test_interview_asks_subject_when_missing() -> None:
    child = spawn([*BASE, "-i"])
    child.expect_exact("当事人是个人还是单位？（个人/单位）: ")
    child.sendline("狗")
    child.expect_exact("输入无效")
    child.expect_exact("当事人是个人还是单位？（个人/单位）: ")
    child.sendline("单位")
    child.expect_exact("及时改正（是/否）")
    child.expect_exact(": ")
    child.sendline("否")  # not corrected: neither 不予 nor 可以不予 can hold
    text = finish(child)
    assert child.exitstatus == 0, text
    assert "当事人：法人或者其他组织" in text
    assert "应当给予行政处罚" in text
    assert "500.00 元 至 20,000.00 元" in text


def test_interview_enum_by_number_and_skip() -> None:
    child = spawn([*BASE, "--subject", "person", "-i"])
    child.expect_exact("及时改正（是/否）")
    child.expect_exact(": ")
    child.sendline("")  # skipped: stays unknown and is not asked again
    child.expect_exact("（跳过，按未知处理）")
    child.expect_exact("危害后果（")
    child.expect_exact(": ")
    child.sendline("2")  # 轻微: 不予处罚 (harm none) is out, 违法行为轻微 no longer matters
    child.expect_exact("初次违法")
    child.expect_exact(": ")
    child.sendline("")
    text = finish(child)
    assert child.exitstatus == 0, text
    assert text.count("及时改正（是/否）") == 1
    assert "违法行为轻微（是/否）" not in text
    assert "危害后果＝轻微" in text
    assert "待定" in text.split("（命令行写法", 1)[1]  # still undetermined, said so


def test_terminal_offers_interview_when_undetermined() -> None:
    child = spawn([*BASE, "--subject", "person"])
    child.expect_exact("现在逐项回答吗？")
    child.sendline("n")
    text = finish(child)
    assert child.exitstatus == 0
    assert "待定：是否处罚取决于尚未提供的事实" in text


def test_no_offer_when_stdin_is_not_a_terminal() -> None:
    proc = subprocess.run([sys.executable, *BASE, "--subject", "person"], capture_output=True, text=True,
                          input="", env={**os.environ, "DISCRETION_NO_CACHE": "1"}, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "现在逐项回答吗" not in proc.stderr + proc.stdout
    assert "待定" in proc.stdout


def test_interview_from_a_pipe_for_scripts() -> None:
    # -i also reads answers from a pipe; questions go to stderr, the result to stdout
    proc = subprocess.run([sys.executable, *BASE, "--subject", "person", "-i", "--json"], capture_output=True,
                          text=True, input="否\n", env={**os.environ, "DISCRETION_NO_CACHE": "1"}, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "及时改正" in proc.stderr
    assert '"outcome": "penalty"' in proc.stdout


def test_ambiguous_code_in_interview_offers_a_choice() -> None:
    child = spawn(["-m", "discretion", "assess", "DQWR-118", "--region", "000000", "--subject", "person", "-i"])
    child.expect_exact("不能唯一确定事项")
    child.expect_exact("3. DQWR-118-K3")
    child.expect_exact("请选择（1–3）: ")
    child.sendline("7")
    child.expect_exact("输入无效")
    child.sendline("3")
    child.expect_exact("及时改正（是/否）")
    child.expect_exact(": ")
    child.sendline("否")
    text = finish(child)
    assert child.exitstatus == 0, text
    assert "DQWR-118-K3  在当地人民政府禁止的时段和区域内露天烧烤" in text


def test_end_of_input_aborts_cleanly() -> None:
    child = spawn([*BASE, "--subject", "person", "-i"])
    child.expect_exact("及时改正（是/否）")
    child.sendeof()
    text = finish(child)
    assert child.exitstatus == 130
    assert "Traceback" not in text and "已中止" in text


# --------------------------------------------------------------------------- the pieces


def test_question_shows_label_unit_and_choices(library: Library) -> None:
    harm = library.facts["harm"]
    assert question(harm, 2, 4, "决定是否处罚") == \
        "[2/4] 危害后果（1 无／2 轻微／3 一般／4 严重，填序号或名称） — 决定是否处罚"
    assert hint(library.facts["corrected"]) == "是/否"
    assert hint(library.facts["age"]) == "周岁，0–150"
    assert hint(library.facts["illegal_gains"]) == "元，不小于 0"


def test_parse_answer(library: Library) -> None:
    facts = library.facts
    assert parse_answer(facts["harm"], "2") == "minor"
    assert parse_answer(facts["harm"], "严重") == "serious"
    assert parse_answer(facts["harm"], "none") == "none"
    assert parse_answer(facts["corrected"], " 否 ") is False
    assert parse_answer(facts["illegal_gains"], "1.5万元") == Decimal("15000")
    with pytest.raises(FactError):
        parse_answer(facts["harm"], "9")
    with pytest.raises(FactError):
        parse_answer(facts["corrected"], "也许")
    with pytest.raises(FactError):
        parse_answer(facts["age"], "200")


def test_enum_value_that_is_a_number_is_not_an_index() -> None:
    fact = Fact(name="level", type="enum", label="等级", values=("1", "2", "3"))
    assert parse_answer(fact, "3") == "3"
