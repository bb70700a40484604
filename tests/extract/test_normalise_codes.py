import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.normalise.codes import (
    CREDIT_ALPHABET,
    INDUSTRY_PREFIXES,
    StandardCode,
    credit_check_char,
    credit_code_valid,
    find_credit_codes,
    find_invoice_codes,
    find_invoice_numbers,
    find_standard_code_spans,
    find_standard_codes,
    find_tax_ids,
    invoice_code_plausible,
    invoice_generation,
    normalise_credit_code,
    normalise_invoice_code,
    normalise_invoice_number,
    normalise_tax_id,
    parse_standard_code,
    standard_level,
)

# From real invoices (shared/realdocs and public samples).
REAL_CODES = ["91110108MA01G0FB09", "91120222079642398Y", "91320211739560225X", "91320200796148368W", "91110108749364121L"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_are_valid(code):
    assert credit_code_valid(code)
    assert normalise_credit_code(code) == code


@pytest.mark.parametrize(
    "code",
    [
        "91110108MA01G0FB08",  # check char changed
        "91110108MA01G0FB0",  # 17 chars
        "91120222079642398X",
        "91320211739560226X",  # body char changed
        "81320200796148368W",
        "91110108ma01g0fb09",  # not upper case: the validator is exact
        "9111A108MA01G0FB09",  # region must be digits
        "",
        "410305123456789",
    ],
)
def test_credit_code_negatives(code):
    assert not credit_code_valid(code)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("9111O1O8MA01G0FB09", "91110108MA01G0FB09"),  # O read for 0
        ("91110108MAO1GOFB09", "91110108MA01G0FB09"),
        ("9I120222079642398Y", "91120222079642398Y"),  # I read for 1
        ("91320211739560Z25X", "91320211739560225X"),  # Z read for 2
        ("9132020079614836SW", None),  # S→5 is tried, but here it breaks the check
        ("91110108ma01g0fb09", "91110108MA01G0FB09"),
        ("91110108749364121l", "91110108749364121L"),  # a real L written in lower case
        ("9111O1O8749364I2lL", "91110108749364121L"),  # O/I repaired, lower-case l read as 1
        ("９１１１０１０８ＭＡ０１Ｇ０ＦＢ０９", "91110108MA01G0FB09"),
        ("9111 0108 MA01 G0FB 09", "91110108MA01G0FB09"),
        ("纳税人识别号：91110108MA01G0FB09", "91110108MA01G0FB09"),
        ("税号91110108MA01G0FB09", "91110108MA01G0FB09"),  # label glued on
        ("纳税人识别号 91110108MA01G0FB09 ABC", "91110108MA01G0FB09"),  # more text after a space
        ("91110108MA01G0FB09123", None),  # never a window of a longer run
        ("123456789012345678901234567890", None),
        ("91110108MA01G0FB08", None),
        ("410305123456789", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_credit_code(text, expected):
    assert normalise_credit_code(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("410305123456789", "410305123456789"),  # 15-digit old tax id
        ("纳税人识别号: 410305012345678", "410305012345678"),
        ("44010619800101123X00", "44010619800101123X00"),  # 20 chars: id card + 2
        ("11010519491231002", "11010519491231002"),  # 17
        ("91110108MAO1GOFB09", "91110108MA01G0FB09"),  # repaired credit code
        ("91110108MA01G0FB08", "91110108MA01G0FB08"),  # 18 chars failing the check: cleaned as is
        ("91110108 ma01g0fb08", "91110108MA01G0FB08"),
        ("1234567", None),
        ("ABCDEFGHJKLMNPQRT", None),
        ("", None),
    ],
)
def test_normalise_tax_id(text, expected):
    assert normalise_tax_id(text) == expected


body = st.tuples(
    st.sampled_from("123456789ANY"),
    st.sampled_from("1239"),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CREDIT_ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(body)
def test_generated_codes_are_valid(first17):
    assert credit_code_valid(first17 + credit_check_char(first17))


@given(body, st.integers(0, 17), st.sampled_from(CREDIT_ALPHABET))
def test_any_single_substitution_is_caught(first17, pos, ch):
    code = first17 + credit_check_char(first17)
    changed = code[:pos] + ch + code[pos + 1 :]
    assert credit_code_valid(changed) == (changed == code)


@given(body, st.data())
def test_ocr_lookalikes_are_repaired(first17, data):
    code = first17 + credit_check_char(first17)
    lookalike = {"0": "O", "1": "I", "2": "Z", "5": "S", "U": "V"}
    positions = [i for i, c in enumerate(code) if c in lookalike]
    chosen = data.draw(st.sets(st.sampled_from(positions)) if positions else st.just(set()))
    garbled = "".join(lookalike[c] if i in chosen else c for i, c in enumerate(code))
    assert normalise_credit_code(garbled) == code


def test_find_credit_codes_and_tax_ids():
    text = "购买方 纳税人识别号:91110108749364121L 销售方 识别号:410305123456789 其他 123456789012345"
    assert [(c, text[s:e]) for c, s, e in find_credit_codes(text)] == [("91110108749364121L", "91110108749364121L")]
    assert [c for c, _, _ in find_tax_ids(text)] == ["410305123456789"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("011002000511", "011002000511"),
        ("发票代码：011002000511", "011002000511"),
        ("1100094140", "1100094140"),
        ("11OO094140", "1100094140"),
        ("０１１００２０００５１１", "011002000511"),
        ("0110 0200 0511", "011002000511"),
        ("01100200051", None),
        ("36523185", None),
        ("", None),
    ],
)
def test_normalise_invoice_code(text, expected):
    assert normalise_invoice_code(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("36523185", "36523185"),
        ("No 36523185", "36523185"),
        ("No.87654321", "87654321"),
        ("发票号码：3652318S", None),  # S at the end is not between digits
        ("365231B5", None),
        ("24442000000123456789", "24442000000123456789"),
        ("发票号码: 2444 2000 0001 2345 6789", "24442000000123456789"),
        ("1234567", None),
        ("123456789", None),
        ("", None),
    ],
)
def test_normalise_invoice_number(text, expected):
    assert normalise_invoice_number(text) == expected


@pytest.mark.parametrize(
    "code, number, expected",
    [
        ("011002000511", "36523185", "legacy"),
        ("1100094140", "87654321", "legacy"),
        (None, "24442000000123456789", "数电票"),
        ("", "24442000000123456789", "数电票"),
        (None, None, "legacy"),
    ],
)
def test_invoice_generation(code, number, expected):
    assert invoice_generation(code, number) == expected


@pytest.mark.parametrize(
    "code, plausible",
    [("011002000511", True), ("012001800311", True), ("1100094140", True), ("144001700110", True),
     ("661619942171", False), ("499098498366", False), ("000000000001", False), ("9900094140", False),
     ("01100200051", False), ("0110020005A1", False)],
)
def test_invoice_code_plausible(code, plausible):
    assert invoice_code_plausible(code) == plausible


def test_unlabelled_ids_on_an_ocr_invoice():
    # Lines as OCR reads a special VAT invoice: the code stands alone, the number follows "No".
    text = "增值税专用发票\n1100094140\nNo87654321\n机器编号000000000001\n校验码：76939056883466677916\n"
    text += "开户行及账号：中国建设银行股份有限公司天津武清区支行12001720800052531259"
    assert [c for c, _, _ in find_invoice_codes(text)] == ["1100094140"]
    assert [n for n, _, _ in find_invoice_numbers(text)] == ["87654321"]
    # the same digits outside an invoice are not claimed
    assert find_invoice_codes("合同编号\n1100094140") == []


def test_find_invoice_ids():
    text = "发票代码:011002000511 发票号码:36523185 日期 20201030 数电票号码 24442000000123456789 电话 12345678"
    assert [c for c, _, _ in find_invoice_codes(text)] == ["011002000511"]
    assert [n for n, _, _ in find_invoice_numbers(text)] == ["36523185", "24442000000123456789"]


@pytest.mark.parametrize(
    "text, code, prefix, number, year, level",
    [
        ("GB/T 39204-2022", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),
        ("GB/T39204-2022", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),
        ("GB 1234—2008", "GB 1234-2008", "GB", "1234", 2008, "national"),
        ("GB 1234–2008", "GB 1234-2008", "GB", "1234", 2008, "national"),
        ("GB 1234－2008", "GB 1234-2008", "GB", "1234", 2008, "national"),
        ("ＧＢ／Ｔ　３９２０４－２０２２", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),
        ("GB / T 39204 - 2022", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),
        ("gb/t 39204-2022", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),
        ("GB/T 39204-2O22", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),
        ("GB/Z 20986-2007", "GB/Z 20986-2007", "GB/Z", "20986", 2007, "national"),
        ("GBT 39204-2022", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),  # OCR lost the slash
        ("GB T 39204-2022", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),
        ("GB|T 39204-2022", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),
        ("GBlT 39204-2022", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),
        ("YDT 3000-2016", "YD/T 3000-2016", "YD/T", "3000", 2016, "industry"),
        ("DB44T 1234-2020", "DB44/T 1234-2020", "DB44/T", "1234", 2020, "local"),
        ("ISO 9001-2015", "ISO 9001:2015", "ISO", "9001", 2015, "international"),
        ("IEC 62443-3-3", "IEC 62443-3-3", "IEC", "62443-3-3", None, "international"),
        ("GB 4943.1-2011", "GB 4943.1-2011", "GB", "4943.1", 2011, "national"),
        ("GB 2312-80", "GB 2312-80", "GB", "2312", 1980, "national"),
        ("GB/T 39204", "GB/T 39204", "GB/T", "39204", None, "national"),
        ("YD/T 3000-2016", "YD/T 3000-2016", "YD/T", "3000", 2016, "industry"),
        ("SJ/T 11363-2006", "SJ/T 11363-2006", "SJ/T", "11363", 2006, "industry"),
        ("JB/T 10000-2019", "JB/T 10000-2019", "JB/T", "10000", 2019, "industry"),
        ("HG/T 2000-2015", "HG/T 2000-2015", "HG/T", "2000", 2015, "industry"),
        ("QC/T 29106-2014", "QC/T 29106-2014", "QC/T", "29106", 2014, "industry"),
        ("GA/T 1400.1-2017", "GA/T 1400.1-2017", "GA/T", "1400.1", 2017, "industry"),
        ("AQ 3013-2008", "AQ 3013-2008", "AQ", "3013", 2008, "industry"),
        ("DB44/T 1234-2020", "DB44/T 1234-2020", "DB44/T", "1234", 2020, "local"),
        ("DB4401/T 12-2019", "DB4401/T 12-2019", "DB4401/T", "12", 2019, "local"),
        ("DB44 1234-2020", "DB44 1234-2020", "DB44", "1234", 2020, "local"),
        ("ISO/IEC 27001:2013", "ISO/IEC 27001:2013", "ISO/IEC", "27001", 2013, "international"),
        ("ISO / IEC 27001 : 2013", "ISO/IEC 27001:2013", "ISO/IEC", "27001", 2013, "international"),
        ("ISO 9001:2015", "ISO 9001:2015", "ISO", "9001", 2015, "international"),
        ("ISO9001:2015", "ISO 9001:2015", "ISO", "9001", 2015, "international"),
        ("IEC 62443-3-3:2013", "IEC 62443-3-3:2013", "IEC", "62443-3-3", 2013, "international"),
        ("ITU-T Y.2060", "ITU-T Y.2060", "ITU-T", "Y.2060", None, "international"),
        ("ITU-R BT.709", "ITU-R BT.709", "ITU-R", "BT.709", None, "international"),
        ("ITU-T X.509", "ITU-T X.509", "ITU-T", "X.509", None, "international"),
        ("T/CAICT 001-2021", "T/CAICT 001-2021", "T/CAICT", "001", 2021, "group"),
        ("Q/GDW 1234-2015", "Q/GDW 1234-2015", "Q/GDW", "1234", 2015, "enterprise"),
        ("XX/T 123-2020", "XX/T 123-2020", "XX/T", "123", 2020, "unknown"),
        ("IEEE 802.3-2018", "IEEE 802.3-2018", "IEEE", "802.3", 2018, "unknown"),
        ("标准编号：GB/T 39204-2022《信息安全技术》", "GB/T 39204-2022", "GB/T", "39204", 2022, "national"),
    ],
)
def test_parse_standard_code(text, code, prefix, number, year, level):
    parsed = parse_standard_code(text)
    if code is None:
        assert parsed is None
        return
    assert parsed == StandardCode(code=code, prefix=prefix, number=number, year=year, level=level)


@pytest.mark.parametrize(
    "text",
    ["", "CNY661.00", "MA01G0FB09", "abc", "GB/T", "No 36523185", "XX 123", "GB/T 39204-1899", None],
)
def test_parse_standard_code_invalid(text):
    assert parse_standard_code(text) is None


@pytest.mark.parametrize("prefix", sorted(INDUSTRY_PREFIXES))
def test_every_industry_prefix_is_industry(prefix):
    assert standard_level(f"{prefix}/T") == "industry"
    assert parse_standard_code(f"{prefix}/T 1234-2020").level == "industry"


@pytest.mark.parametrize(
    "prefix, level",
    [("ITU-R", "international"), ("ITU", "international"), ("GB", "national"), ("DB4401", "local"),
     ("T/ZGCSA", "group"), ("Q/ABC", "enterprise"), ("ZZ/T", "unknown"), ("JJF", "unknown")],
)
def test_standard_level(prefix, level):
    assert standard_level(prefix) == level


def test_highway_engineering_codes_keep_their_class_letter():
    assert [(c.code, c.level) for c in find_standard_codes("依据JTG/T D65-06—2015、JTG D60-2015和JTG/T 3650-2020")] == [
        ("JTG/T D65-06-2015", "industry"), ("JTG D60-2015", "industry"), ("JTG/T 3650-2020", "industry")]


@pytest.mark.parametrize("text, code", [
    ("JTGT3382-2026", "JTG/T 3382-2026"), ("JTG|T 3382-2026", "JTG/T 3382-2026"), ("JTG T 3382-2026", "JTG/T 3382-2026"),
    ("JTG T3382-2026", "JTG/T 3382-2026"), ("JGJT 123-2012", "JGJ/T 123-2012"), ("依据CJJ T 8-2011编制", "CJJ/T 8-2011"),
    ("YD T 1234-2020", "YD/T 1234-2020"),
])
def test_a_three_letter_series_that_lost_its_slash_is_its_code(text, code):
    # OCR lost or broke the slash of a 行业标准代号 with three letters (公路 JTG, 建筑 JGJ, 城建 CJJ)
    assert [(c.code, c.level) for c in find_standard_codes(text)] == [(code, "industry")]


@pytest.mark.parametrize("text", ["ABC T 1234-2020", "THE T 2020", "SUMMIT 2020", "PDF T 12"])
def test_a_word_before_a_t_is_no_industry_code(text):
    assert not [c for c in find_standard_codes(text) if c.level == "industry"]


def test_find_standard_codes_in_notice_text():
    text = "依据GB/T 19001-2016/ISO 9001:2015及YD/T 3000-2016、T/CAICT 001-2021制定，金额CNY661.00，编号MA01G0FB09。"
    assert [c.code for c in find_standard_codes(text)] == [
        "GB/T 19001-2016", "ISO 9001:2015", "YD/T 3000-2016", "T/CAICT 001-2021",
    ]
    spans = find_standard_code_spans(text)
    assert [text[s:e] for _, s, e in spans] == ["GB/T 19001-2016", "ISO 9001:2015", "YD/T 3000-2016", "T/CAICT 001-2021"]


@given(st.text(max_size=40))
def test_code_normalisers_never_raise(text):
    for fn in (normalise_credit_code, normalise_tax_id, normalise_invoice_code, normalise_invoice_number):
        assert fn(text) is None or isinstance(fn(text), str)
    parse_standard_code(text)
    find_standard_codes(text)
    credit_code_valid(text)


def test_find_standard_codes_read_through_ocr_slips():
    text = "依据GBT 39204-2022、YD T 3000-2016和GB／T 22239—2019，参照ISO 9001-2015。"
    assert [c.code for c in find_standard_codes(text)] == [
        "GB/T 39204-2022", "YD/T 3000-2016", "GB/T 22239-2019", "ISO 9001:2015",
    ]
