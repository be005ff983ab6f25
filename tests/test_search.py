"""Finding an item: `list --search` ranking and suggestions for unknown or ambiguous codes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from discretion.cli import cli
from discretion.errors import UnknownItem
from discretion.layers import Resolved
from discretion.library import Library
from discretion.search import article_query, normalize_code, rank, suggest, unknown_message

DAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def items(library: Library) -> list[Resolved]:
    return library.items(region="000000", on=DAY)


def codes(found: list[Resolved]) -> list[str]:
    return [r.code for r in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第六十四条", ("", 64, None, None)),
        ("第64条", ("", 64, None, None)),
        ("64条", ("", 64, None, None)),
        ("第一百一十八条第三款", ("", 118, 3, None)),
        ("大气污染防治法第118条", ("大气污染防治法", 118, None, None)),
        ("《城乡规划法》第六十四条", ("城乡规划法", 64, None, None)),
        ("第十条", ("", 10, None, None)),
        ("第一百零五条", ("", 105, None, None)),
        ("烧烤", None),
        ("CXGH", None),
    ],
)
def test_article_query(text: str, expected: tuple[str, int, int | None, int | None] | None) -> None:
    assert article_query(text) == expected


def test_normalize_code() -> None:
    assert normalize_code(" dqwr－118－k3 ") == "DQWR-118-K3"
    assert normalize_code("cxgh_64") == "CXGH-64"


def test_chinese_name_word(items: list[Resolved]) -> None:
    assert codes(rank(items, "烧烤"))[:1] == ["DQWR-118-K3"]


def test_article_in_chinese_and_arabic_numerals(items: list[Resolved]) -> None:
    for query in ("第六十四条", "第64条", "64条"):
        found = codes(rank(items, query))
        # 城乡规划法第六十四条 punishes CXGH-64: it ranks above an item that merely *violates*
        # another law's 第六十四条
        assert found[0] == "CXGH-64", query
        for code in found:
            r = next(i for i in items if i.code == code)
            assert any(c.article == 64 for c, _ in (*r.punishes, *r.violates)) or any(
                c.article == 64 for b in r.brackets for c in b.punishes), code


def test_article_with_law_name_narrows(items: list[Resolved]) -> None:
    found = codes(rank(items, "大气污染防治法第118条"))
    assert found == ["DQWR-118-K1", "DQWR-118-K2", "DQWR-118-K3"]
    assert codes(rank(items, "《城乡规划法》第六十四条")) == ["CXGH-64"]


def test_article_number_is_not_a_substring_match(items: list[Resolved]) -> None:
    # 第十八条 must not find 第一百一十八条
    assert "DQWR-118-K3" not in codes(rank(items, "第十八条"))


def test_code_prefix_in_any_case(items: list[Resolved]) -> None:
    found = codes(rank(items, "CXGH"))
    assert found[:3] == ["CXGH-64", "CXGH-66", "CXGH-67"]
    assert codes(rank(items, "cxgh"))[:3] == found[:3]
    assert codes(rank(items, "cxgh64"))[0] == "CXGH-64"


def test_exact_code_ranks_first(items: list[Resolved]) -> None:
    assert codes(rank(items, "DQWR-118-K3"))[0] == "DQWR-118-K3"


def test_several_words_must_all_match(items: list[Resolved]) -> None:
    found = rank(items, "建筑 垃圾 倾倒")
    assert found
    for r in found:
        text = r.name + r.category + r.note  # the note may list the conduct (CZPS-56)
        assert "倾倒" in text and "建筑" in text
    assert [r.code for r in found[:2]] == ["JZLJ-26", "GTFW-111-4"]  # name matches rank above note matches


def test_close_word_finds_by_character_pairs(items: list[Resolved]) -> None:
    assert "DQWR-118-K3" in codes(rank(items, "烧烤摊"))


def test_no_match_is_empty(items: list[Resolved]) -> None:
    assert rank(items, "量子计算机") == []


def test_code_beats_name_beats_law_title(items: list[Resolved]) -> None:
    # 「城乡规划」 is a category, a word in names and part of a law's title
    found = codes(rank(items, "城乡规划"))
    assert set(found[:3]) == {"CXGH-64", "CXGH-66", "CXGH-67"}


def test_ambiguous_stem_lists_every_sub_item(items: list[Resolved]) -> None:
    assert suggest(items, "DQWR-118") == ["DQWR-118-K1", "DQWR-118-K2", "DQWR-118-K3"]
    assert suggest(items, "SRHW-34")[:7] == [f"SRHW-34-{n}" for n in range(1, 8)]


def test_unknown_sub_item_suggests_its_siblings_in_order(items: list[Resolved]) -> None:
    found = suggest(items, "SRHW-34-9")
    assert found[:3] == ["SRHW-34-1", "SRHW-34-2", "SRHW-34-3"]


def test_misspelt_code(items: list[Resolved]) -> None:
    assert suggest(items, "CXGH64") == ["CXGH-64"]
    assert suggest(items, "cxgh-64x")[0] == "CXGH-64"
    assert "CXGH-64" in suggest(items, "CXHG-64")


def test_name_words_suggest_items(items: list[Resolved]) -> None:
    assert suggest(items, "烧烤") == ["DQWR-118-K3"]


def test_nothing_close() -> None:
    assert suggest([], "XYZ") == []


def test_library_raises_unknown_item_with_suggestions(library: Library) -> None:
    with pytest.raises(UnknownItem) as info:
        library.assess("DQWR-118", subject="person", region="000000")
    assert info.value.suggestions == ["DQWR-118-K1", "DQWR-118-K2", "DQWR-118-K3"]


def test_unknown_message_is_one_line_with_names() -> None:
    msg = unknown_message("DQWR-118", [("DQWR-118-K1", "排放油烟的餐饮服务业经营者未安装油烟净化设施、不正常使用油烟净化设施"),
                                       ("DQWR-118-K3", "露天烧烤")])
    assert "\n" not in msg
    assert "对应多个事项" in msg and "DQWR-118-K3（露天烧烤）" in msg
    assert "…" in msg  # long names are shortened
    assert "discretion list --search" in unknown_message("XYZ", [])


def test_cli_search_ranked_json() -> None:
    res = CliRunner().invoke(cli, ["list", "--region", "000000", "--search", "第六十四条", "--json"])
    assert res.exit_code == 0, res.output
    found = [i["code"] for i in json.loads(res.output)["items"]]
    assert found[0] == "CXGH-64"


def test_cli_assess_ambiguous_code_suggests_closest() -> None:
    res = CliRunner().invoke(cli, ["assess", "DQWR-118", "--subject", "person", "--region", "000000"])
    assert res.exit_code != 0
    text = str(res.exception)
    assert "DQWR-118-K1" in text and "DQWR-118-K3" in text and "烧烤" in text
