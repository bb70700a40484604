"""extract.layout._fuzzy's window filter slides (counts of the label's characters kept as the
window moves, and a text sharing too few of them skipped whole) instead of building a set of
each window's characters at every start: its answers must be the old filter's, to the window
and the score, on any label and text — Chinese labels and rows as OCR reads them, misread."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.layout import _fuzzy, fuzzy_find
from tests.extract.fuzzy_reference import reference_fuzzy

# Glyphs of real labels and what rows hold beside them, so labels and texts share many.
GLYPHS = "发票代码号购买方名称纳税人识别开户行及账价合计大写小金额税率销售日期统一社会信用有限公司：:（）() 0123456789ABX"
LABELS = ["发票代码", "发票号码", "纳税人识别号", "价税合计（大写）", "开户行及账号", "统一社会信用代码", "名称", "开票日期"]

glyph = st.sampled_from(GLYPHS)
label = st.one_of(st.sampled_from(LABELS), st.text(glyph, min_size=1, max_size=12))
min_score = st.one_of(st.none(), st.floats(0, 1), st.sampled_from([0.5, 0.6, 0.75, 0.8]))


@st.composite
def misread(draw, label_st=label):
    """A label, and a row holding it misread: glyphs dropped, swapped or added, among others."""
    lab = draw(label_st)
    glyphs = list(lab)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(glyphs)))
        edit = draw(st.sampled_from(["drop", "swap", "add"]))
        if edit == "add" or not glyphs:
            glyphs.insert(at, draw(glyph))
        elif edit == "drop":
            del glyphs[min(at, len(glyphs) - 1)]
        else:
            glyphs[min(at, len(glyphs) - 1)] = draw(glyph)
    row = draw(st.text(glyph, max_size=20)) + "".join(glyphs) + draw(st.text(glyph, max_size=20))
    return lab, row


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=st.one_of(misread(), st.tuples(label, st.text(glyph, max_size=40))), score=min_score)
def test_the_sliding_filter_finds_what_the_set_filter_found(pair, score):
    lab, row = pair
    assert _fuzzy(row, lab, score) == reference_fuzzy(row, lab, score)


@settings(max_examples=200, deadline=None)
@given(pair=misread(), repeated=st.booleans())
def test_fuzzy_find_on_a_label_read_twice_on_a_row(pair, repeated):
    lab, row = pair
    row = row + row[::-1]  # twice, once backwards: exact, slipped and overlapping readings together
    assert _fuzzy(row, lab, None) == reference_fuzzy(row, lab, None)
    assert all(0 <= s < e <= len(row) and 0 < score <= 1 for s, e, score in fuzzy_find(row, lab, None, repeated))


def test_edges():
    for row, lab, score in [("", "发票代码", None), ("发票", "发票代码", None), ("x", "x", None), ("", "x", 0.0),
                            ("发票代码", "码", 0.0), ("abc", "ab", 0.0), ("发票代马发漂代码", "发票代码", 0.5)]:
        assert _fuzzy(row, lab, score) == reference_fuzzy(row, lab, score), (row, lab, score)
