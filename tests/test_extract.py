"""Extraction steps on saved pages and strings: dates, charsets, labels, the `gazette extract` command."""

from __future__ import annotations

import json

import pytest

from crawler.extract import extract_release
from crawler.extract.charset import decode_html
from crawler.extract.dates import date_from_url, parse_date
from crawler.extract.labels import labelled_fields
from tests.conftest import SITES_DIR, run_gazette


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("2023年9月6日", "2023-09-06T00:00:00+08:00", "day"),
        ("发布时间：2023-09-06 10:00", "2023-09-06T10:00:00+08:00", "minute"),
        ("2023/9/6", "2023-09-06T00:00:00+08:00", "day"),
        ("[2023-09-06]", "2023-09-06T00:00:00+08:00", "day"),
        ("2023.09.06 08:05:09", "2023-09-06T08:05:09+08:00", "second"),
        ("2023年09月06日 14时30分", "2023-09-06T14:30:00+08:00", "minute"),
        ("日期：2023-02-30 后改为 2023-03-01", "2023-03-01T00:00:00+08:00", "day"),
    ],
)
def test_chinese_date_forms(text: str, iso: str, precision: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert (parsed.iso(), parsed.precision) == (iso, precision)


def test_no_date_is_none() -> None:
    assert parse_date("浏览次数：128") is None
    assert parse_date("") is None


@pytest.mark.parametrize(
    ("url", "day"),
    [
        (
            "https://www.shhuangpu.gov.cn/xw/001009/20250902/c7186bba-d3f4-4591-a25b-4d591628f514.html",
            "2025-09-02",
        ),
        ("http://x.gov.cn/col/202309/t20230906_123.html", "2023-09-06"),
        ("http://x.gov.cn/art/2025/10/29/art_4584_60353.html", "2025-10-29"),
        ("https://www.jingan.gov.cn/govxxgk/JA0/2020-08-27/0a1b.html", "2020-08-27"),
    ],
)
def test_date_from_url(url: str, day: str) -> None:
    parsed = date_from_url(url)
    assert parsed is not None and parsed.value.date().isoformat() == day


def test_gb2312_label_decodes_gbk_only_characters() -> None:
    body = '<meta charset="gb2312"><p>朱镕基 王堃</p>'.encode("gbk")
    text, charset = decode_html(body, "text/html")
    assert charset == "gb18030"
    assert "朱镕基 王堃" in text


def test_http_header_charset_beats_meta() -> None:
    body = '<meta charset="gb2312"><p>区市场监管局</p>'.encode()
    text, _ = decode_html(body, "text/html; charset=utf-8")
    assert "区市场监管局" in text


def test_undeclared_gbk_is_detected() -> None:
    page = (SITES_DIR / "trs/col/xwdt/202309/t20230901_118.html").read_bytes()
    found = extract_release(page, "http://x.gov.cn/col/xwdt/202309/t20230901_118.html", "text/html")
    assert found.charset == "gb18030"
    assert found.title == "区教育局发布秋季开学安全提示"


def test_labels_on_one_line_and_split_across_lines() -> None:
    fields = labelled_fields(
        ["发布时间：2023-09-18 16:30　来源：区城运中心　浏览次数：12", "索引号：", "SY310107202603028"]
    )
    assert fields["source"] == ("区城运中心", "来源")
    assert fields["published_at"][0] == "2023-09-18 16:30"
    assert fields["index_number"] == ("SY310107202603028", "索引号")


def test_heuristic_body_when_no_known_container() -> None:
    page = (
        "<html><head><title>标题_某区人民政府</title></head><body><div class=nav>首页 新闻</div>"
        "<div class=x><p>第一段正文内容，介绍会议的主要情况。</p>"
        "<p>第二段正文内容，说明下一步工作安排。</p></div>"
        "</body></html>"
    ).encode()
    found = extract_release(page, "http://x.gov.cn/a/20230101/1.html", site_names=("某区人民政府",))
    assert found.title == "标题"
    assert found.paragraphs == [
        "第一段正文内容，介绍会议的主要情况。",
        "第二段正文内容，说明下一步工作安排。",
    ]
    assert found.provenance["text"] == "heuristic:paragraph-density"
    assert found.published_at == "2023-01-01T00:00:00+08:00"


def test_broken_html_does_not_raise() -> None:
    found = extract_release(b"<html><body><div id=zoom><p>\x00\xff\xfe<<<</div>", "http://x.gov.cn/")
    assert found.title is None


def test_gazette_extract_shows_fields_and_provenance() -> None:
    page = SITES_DIR / "hanweb/art/2023/9/6/art_4584_60353.html"
    result = run_gazette("extract", str(page), "--url", "http://x.gov.cn/art/2023/9/6/art_4584_60353.html")
    assert result.returncode == 0, result.stderr
    assert "source: 县农业农村局  [hanweb:comment]" in result.stdout
    assert "published_at: 2023-09-06T15:42:00+08:00  [label:发布日期]" in result.stdout
    as_json = run_gazette("extract", str(page), "--url", "http://x.gov.cn/a.html", "--json")
    fields = json.loads(as_json.stdout)
    assert fields["text"].split("\n")[0] == "各镇人民政府、街道办事处，县有关部门："


def test_gazette_extract_missing_file_is_usage_error(tmp_path) -> None:
    result = run_gazette("extract", str(tmp_path / "nope.html"), "--url", "http://x.gov.cn/")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
