"""The index tokens and the traditional-to-simplified fold behind them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.t2s import converter, to_simplified, triggers
from archive.tokens import _tokens_loop, _tokens_vector, fold, index_text, phrase_terms

MIXED = st.text(
    alphabet=st.sampled_from([*list("知识产权区政府服務覆沈a5Z Ｇ，。、\n-_|\x00"), "𠀀", "İ"]), max_size=300
)


@given(MIXED)
@settings(max_examples=300, deadline=None)
def test_vector_tokens_equal_the_plain_tokens(text: str) -> None:
    folded = fold(text)
    assert _tokens_vector(folded).split() == _tokens_loop(folded).split()


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("知识产权", "知识 识产 产权 | |"),
        ("区", "区 | |"),
        ("5G网络，ICP备案", "5g 网络 | | icp 备案 | |"),
        ("產權 abc-def", "产权 | | abc def"),
    ],
)
def test_token_scheme(text: str, tokens: str) -> None:
    assert index_text(text).split() == tokens.split()
    assert index_text("\n".join([text] * 20)).split() == ((tokens + " ") * 20).split()  # numpy path


def test_a_phrase_cannot_span_punctuation() -> None:
    """产权保护 is queried as 产权 _ 保护: across 产权，保护 the two separators break the step of 2."""
    tokens = index_text("产权，保护").split()
    (first, second) = phrase_terms("产权保护")
    assert tokens.index(second[1]) - tokens.index(first[1]) != second[0] - first[0]


def _dictionary(name: str, out: Path) -> list[tuple[str, str]]:
    """Entries of one of OpenCC's bundled dictionaries, dumped to text with its own tool."""
    package = Path(opencc.__file__).parent / "clib"
    subprocess.run(
        [package / "bin" / "opencc_dict", "-i", package / "share" / "opencc" / f"{name}.ocd2", "-o", out,
         "-f", "ocd2", "-t", "text"],
        check=True, capture_output=True,
    )  # fmt: skip
    lines = out.read_text("utf-8").splitlines()
    return [(key, value.split(" ")[0]) for key, value in (line.split("\t") for line in lines)]


@pytest.mark.parametrize(
    "name", ["TSPhrases", "TSCharacters", "TSCharactersExt", "CJK_Compatibility_Ideographs"]
)
def test_every_converting_dictionary_entry_holds_a_trigger(name: str, tmp_path: Path) -> None:
    """Skipping OpenCC for text without a trigger character is only safe if every entry that
    changes text contains one (new OpenCC dictionaries would fail here, not fold silently)."""
    entries = [(k, v) for k, v in _dictionary(name, tmp_path / f"{name}.txt") if k != v]
    assert entries
    missed = [k for k, _ in entries if not triggers().search(k)]
    assert missed == []


@given(
    st.text(
        alphabet=st.sampled_from(list("回覆答深沈意志消藉慰區区覆盖全国們的")), min_size=256, max_size=400
    )
)
@settings(max_examples=100, deadline=None)
def test_skipping_opencc_changes_nothing(text: str) -> None:
    assert to_simplified(text) == converter().convert(text)
