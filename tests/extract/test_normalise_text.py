import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.normalise.text import clean, dashes_to_hyphen, fix_ocr_digits, normalise_chars, to_halfwidth


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("２０１９", "2019"),
        ("ＧＢ／Ｔ　３９２０４", "GB/T 39204"),
        ("ａｂｃＸＹＺ", "abcXYZ"),
        ("（１２３，４５６．７８）", "(123,456.78)"),
        ("：；！？", ":;!?"),
        ("中文不变", "中文不变"),
        ("￥１００", "￥100"),  # U+FFE5 is not a full-width ASCII form; money handles it
        ("", ""),
    ],
)
def test_to_halfwidth(raw, expected):
    assert to_halfwidth(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  a   b\t\nc  ", "a b c"),
        ("\u3000名称\u3000\u3000北京\u00a0公司 ", "名称 北京 公司"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_clean(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2O19年O3月l9日", "2019年03月19日"),
        ("1O4.l2", "104.12"),
        ("No.1O0", "No.100"),
        ("|23", "123"),
        ("1I2", "112"),
        ("5o%", "50%"),
        ("1S2", "152"),
        ("12，345", "12,345"),
        ("104。12", "104.12"),
        # letters stay letters when no digit is in reach, or when glued to a word
        ("ISO 9001", "ISO 9001"),
        ("ISO9001", "ISO9001"),
        ("No 36523185", "No 36523185"),
        ("OCR", "OCR"),
        ("Il", "Il"),
        ("S5", "S5"),
        ("中文，标点。", "中文，标点。"),
        ("", ""),
    ],
)
def test_fix_ocr_digits(raw, expected):
    assert fix_ocr_digits(raw) == expected


@pytest.mark.parametrize("dash", ["—", "–", "－", "‐", "−", "﹣"])
def test_dashes_to_hyphen(dash):
    assert dashes_to_hyphen(f"2022{dash}03") == "2022-03"


@given(st.text())
def test_character_normalisers_preserve_length(s):
    # finders report offsets into the original text, which relies on this
    assert len(to_halfwidth(s)) == len(s)
    assert len(fix_ocr_digits(s)) == len(s)
    assert len(normalise_chars(s)) == len(s)


@given(st.text())
def test_clean_is_idempotent(s):
    assert clean(clean(s)) == clean(s)
