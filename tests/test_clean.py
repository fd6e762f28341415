"""The cleaner: each step on its own, the mirror seed restored, and properties under hypothesis."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.clean import clean_release, clean_text
from crawler.clean.mirror import strip_annotations
from crawler.clean.mojibake import repair_paragraph
from tests.conftest import run_gazette

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed_mirror_huangpu.txt"
RESTORED = DATA / "seed_expected_restored.txt"
CJK_RE = re.compile(r"[\u3400-\u9fff]")


def steps(result) -> dict[str, int]:
    return {r["step"]: r["count"] for r in result.repairs}


def test_seed_mirror_copy_is_restored_paragraph_for_paragraph() -> None:
    result = clean_text(SEED.read_text("utf-8").split("\n"))
    assert result.paragraphs == RESTORED.read_text("utf-8").rstrip("\n").split("\n")
    assert steps(result) == {
        "mirror-indents": 5,
        "pinyin-annotations": 257,
        "traditional-to-simplified": 397,
        "punctuation": 51,
    }
    assert result.flags == ["mirror-copy"]


def test_gazette_clean_prints_text_and_repairs() -> None:
    result = run_gazette("clean", str(SEED))
    assert result.returncode == 0, result.stderr
    assert result.stdout == RESTORED.read_text("utf-8")
    assert "repair: pinyin-annotations x257" in result.stderr
    assert "(" not in result.stdout and "?" not in result.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("區(qū)市場(chǎng)", "區市場"),
        ("辦(ban)公室", "辦公室"),
        ("政(zheng)(zheng)(zheng)府", "政府"),
        ("乾(qián)隆", "乾隆"),
        ("世界贸易组织(WTO)", "世界贸易组织(WTO)"),
        ("第一条(一)", "第一条(一)"),
        ("中国(china)", "中国(china)"),
        ("绿(lǜ)化", "绿化"),
        ("绿(lv4)化", "绿化"),
    ],
)
def test_annotation_stripped_only_when_it_is_a_reading(text: str, expected: str) -> None:
    assert strip_annotations(text)[0] == expected


def test_annotations_are_stripped_before_script_conversion() -> None:
    # converting first would read 乾 as 干 and keep the annotation or lose the name
    result = clean_text(["清乾(qián)隆年間(jiān),區(qū)域繁榮(róng)。"])
    assert result.paragraphs == ["清乾隆年间，区域繁荣。"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("会议强调,要做好工作;各部门:落实责任?是的!", "会议强调，要做好工作；各部门：落实责任？是的！"),
        ("增长3.5%,时间12:30", "增长3.5%,时间12:30"),
        ("访问 https://www.a.gov.cn/x?a=1,b 查看", "访问 https://www.a.gov.cn/x?a=1,b 查看"),
        ("防控COVID-19疫情", "防控COVID-19疫情"),
        ("加入世界贸易组织(WTO)以来", "加入世界贸易组织(WTO)以来"),
        ("上海知识产权创新奖(保护),九院", "上海知识产权创新奖（保护），九院"),
    ],
)
def test_punctuation(text: str, expected: str) -> None:
    assert clean_text([text]).paragraphs == [expected]


def test_whitespace_and_invisible_characters() -> None:
    result = clean_text(["\u3000\u3000第一段\u200b内容。", "", "   ", "\xa0\xa0第二段\x07内容。  "])
    assert result.paragraphs == ["第一段内容。", "第二段内容。"]
    assert steps(result)["whitespace"] == 11  # 2+1, 3 blanks, 2+1+2


def test_furniture_is_removed_and_counted() -> None:
    paragraphs = [
        "【字体：大 中 小】",
        "正文第一段。",
        "打印 关闭窗口",
        "分享到：微信 微博",
        "扫一扫在手机打开当前页",
        "浏览次数：1024",
        "上一篇：区政府召开常务会议",
        "下一篇：无",
        "当前位置：首页 > 新闻",
        "版权所有：上海市黄浦区人民政府 网站标识码：3101010001 沪ICP备12345678号",
        "附件：实施细则.pdf",
        "正文第二段。【打印】",
    ]
    fields = {
        "title": "标题",
        "text": "\n".join(paragraphs),
        "attachments": [{"url": "u", "name": "实施细则.pdf"}],
    }
    cleaned = clean_release(fields)
    assert cleaned["text"] == "正文第一段。\n正文第二段。"
    assert {"step": "furniture", "field": "text", "count": 11} in cleaned["repairs"]


def test_mojibake_utf8_read_as_gbk_is_repaired() -> None:
    original = "区市场监管局召开专题会议"
    garbled = original.encode("utf-8").decode("gb18030")
    assert garbled != original
    result = clean_text([garbled])
    assert result.paragraphs == [original]
    assert steps(result)["mojibake"] > 0


def test_mojibake_gbk_read_as_latin1_is_repaired() -> None:
    original = "区市场监管局召开专题会议"
    result = clean_text([original.encode("gbk").decode("latin-1")])
    assert result.paragraphs == [original]


def test_unrepairable_mojibake_is_left_and_flagged() -> None:
    garbled = "区市场监管局召开专题会议活动".encode().decode("gbk", errors="replace")
    fixed, repaired, doubtful = repair_paragraph(garbled)
    assert (fixed, repaired, doubtful) == (garbled, False, True)
    assert "possible-mojibake" in clean_text([garbled]).flags


def test_traditional_site_is_not_converted() -> None:
    text = ["環境及生態局今日宣布推出新一輪社區環保計劃。"]
    assert clean_text(text, script="traditional").paragraphs == text
    assert clean_text(text, script="simplified").paragraphs == [
        "环境及生态局今日宣布推出新一轮社区环保计划。"
    ]


def test_title_suffix_is_stripped() -> None:
    cleaned = clean_release(
        {"title": " 区政府召开会议_上海市黄浦区人民政府 ", "text": "正文。"},
        site_names=["上海市黄浦区人民政府"],
    )
    assert cleaned["title"] == "区政府召开会议"
    assert cleaned["repairs"] == [
        {"step": "whitespace", "field": "title", "count": 2},
        {"step": "title-suffix", "field": "title", "count": 11},
    ]


CHINESE = "区市场监管局知识产权服务开放月活动专利河长防汛政府办公室國際會議"
TEXT = st.lists(
    st.text(alphabet=CHINESE + " ,;:?!()\u3000\xa0\u200babcWTO0123456789.-", max_size=40), max_size=6
)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_cleaning_is_idempotent(paragraphs: list[str]) -> None:
    once = clean_text(paragraphs).paragraphs
    assert clean_text(once).paragraphs == once


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_cleaning_never_drops_a_chinese_character(paragraphs: list[str]) -> None:
    cleaned = clean_text(paragraphs, script="traditional").paragraphs
    assert CJK_RE.findall("".join(cleaned)) == CJK_RE.findall("".join(paragraphs))
