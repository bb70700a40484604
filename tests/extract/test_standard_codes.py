"""Standard codes as real notices and scans print them: table rules and stray glyphs around
them, parts, with or without the space after the prefix, any dash before the year."""
import pytest

from extract.normalise import find_standard_codes, parse_standard_code
from extract.normalise.text import normalise_chars


@pytest.mark.parametrize("text, code", [
    ("｜GB/T 23031.3-2025｜", "GB/T 23031.3-2025"),  # a table's rules read as glyphs
    ("|YD/T 3876-2021|", "YD/T 3876-2021"),
    ("丨SJ/T 11735—2021丨", "SJ/T 11735-2021"),
    ("GB/T\u300028181-2022", "GB/T 28181-2022"),  # a full-width space
    ("GB/T28181—2022", "GB/T 28181-2022"),  # no space, an em dash
    ("GB/T 28181–2022", "GB/T 28181-2022"),  # an en dash
    ("GB／T 28181－2022", "GB/T 28181-2022"),
    ("DB44/T 2451—2025", "DB44/T 2451-2025"),
    ("GB/T 46803.1-2025", "GB/T 46803.1-2025"),  # a part
    ("GB|T 28181-2022", "GB/T 28181-2022"),  # OCR's slash stays a slash
    ("JT/T 808一2019", "JT/T 808-2019"),  # OCR's 一 for the em dash
    ("JT/T697.7一2014", "JT/T 697.7-2014"),
    ("T/CAMET 04011.1-—2018", "T/CAMET 04011.1-2018"),  # a photo's long dash read as two (fixtures/realdev)
    ("GB/T 1.1--2009", "GB/T 1.1-2009"),
    ("T/CCPIA262—2025", "T/CCPIA 262-2025"),  # a group's code run into its number
    ("T/CAMET04011.1-2018", "T/CAMET 04011.1-2018"),
    # international codes keep the space after the prefix and the edition year after the colon
    ("ISO/IEC/IEEE12207:2017(E)", "ISO/IEC/IEEE 12207:2017"),  # a joint prefix, a photo's run-together words
    ("IS0 9001:2015(E)", "ISO 9001:2015"),  # OCR's zero for O
    ("ISO/IEC TR 20000-11:2015", "ISO/IEC TR 20000-11:2015"),
    ("RecommendationITU-TY.4553", "ITU-T Y.4553"),
    ("ITU一T Y.2060 (06/2012)", "ITU-T Y.2060"),  # OCR's 一 for the hyphen; the approval month is no part of it
    # an ITU-R recommendation's revision is part of its code (BT.709-6 is not BT.709-5), its month is not
    ("Recommendation ITU-R BT.709-6 (06/2015)", "ITU-R BT.709-6"),
    ("RecommendationITU-RM.2083-0(09/2015)", "ITU-R M.2083-0"),
    ("ITU一R BS.1770一4", "ITU-R BS.1770-4"),
    ("ITU-T G.984.3 (01/2014)", "ITU-T G.984.3"),  # a dotted ITU-T number whole, its month apart
])
def test_codes_clean_of_rules_glyphs_spaces_and_dash_variants(text, code):
    assert parse_standard_code(text).code == code


def test_a_row_of_new_and_replaced_codes_between_rules():
    assert [c.code for c in find_standard_codes("｜2｜GB/T 28181—2022｜公共安全视频监控｜GB/T 28181-2016｜2023-07-01｜")] == [
        "GB/T 28181-2022", "GB/T 28181-2016"]


def test_a_rule_after_a_year_is_not_read_as_a_digit_elsewhere():
    # the shared digit repair still reads | as 1 in figures; only standard codes treat it as a rule
    assert normalise_chars("2025|") == "20251"


def test_a_copyright_line_is_no_code():
    assert parse_standard_code("© ISO/IEC 2022") is None
    assert [c.level for c in find_standard_codes("ISO/IEC/IEEE 12207:2017 ISO/TS 16949:2009")] == ["international"] * 2
