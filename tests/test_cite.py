"""Chinese numerals and the official citation style."""

from __future__ import annotations

import pytest

from discretion.cite import chinese_number, citation_text


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (28, "二十八"),
     (36, "三十六"), (64, "六十四"), (100, "一百"), (101, "一百零一"), (108, "一百零八"),
     (110, "一百一十"), (111, "一百一十一"), (118, "一百一十八"), (200, "二百"), (1000, "一千"),
     (1001, "一千零一"), (1010, "一千零一十"), (1100, "一千一百")],
)
def test_chinese_numbers(n: int, text: str) -> None:
    assert chinese_number(n) == text


def test_full_citation() -> None:
    assert citation_text("中华人民共和国城乡规划法", 64, 1, 2) == "《中华人民共和国城乡规划法》第六十四条第一款第（二）项"


def test_article_only_and_item_without_paragraph() -> None:
    assert citation_text("中华人民共和国行政处罚法", 33) == "《中华人民共和国行政处罚法》第三十三条"
    assert citation_text("城市市容和环境卫生管理条例", 34, item=1) == "《城市市容和环境卫生管理条例》第三十四条第（一）项"


def test_out_of_range() -> None:
    with pytest.raises(ValueError):
        chinese_number(10000)
