import pytest

from core.standards import level_of_code, level_of_prefix


@pytest.mark.parametrize(
    "code, level",
    [
        ("ISO/IEC 27001:2013", "international"),
        ("IEC 62443-3-3", "international"),
        ("ITU-T Y.2060", "international"),
        ("GB/T 39204-2022", "national"),
        ("GB 1234—2008", "national"),
        ("GB/Z 20000", "national"),
        ("YD/T 3812-2020", "industry"),
        ("SJ/T 11728-2020", "industry"),
        # 工程建设行业标准 and codes of the 行业标准代号 table the old two-letter list missed
        ("JTG/T 3650-2020", "industry"),
        ("JTG D60-2015", "industry"),
        ("CJJ/T 8-2011", "industry"),
        ("JGJ 3-2010", "industry"),
        ("DB/T 12-2020", "industry"),
        ("JJF 1059-2012", "unknown"),
        # the slash lost (a reviewer's correction, an OCR'd row): two letters unless the table has three
        ("YDT1234-2020", "industry"),
        ("SJT 11363", "industry"),
        ("JTGT3382-2026", "industry"),
        ("DB44/T 1234-2020", "local"),
        ("DB4401/T 12-2019", "local"),
        ("T/CAICT 001-2021", "group"),
        ("Q/GDW 1234-2015", "enterprise"),
        ("ZZ/T 1-2020", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_level_of_code(code, level):
    assert level_of_code(code) == level


def test_prefix_and_code_agree():
    for prefix in ("GB/T", "YD/T", "DB44/T", "ISO/IEC", "T/CAICT", "Q/GDW"):
        assert level_of_prefix(prefix) == level_of_code(f"{prefix} 100-2020")


def test_industry_prefixes_are_the_sacs_table():
    """Read from core/industry_standard_codes.csv: the 行业标准代号 the SAC published, plus the
    engineering series; each code a prefix of one industry."""
    from core.standards import INDUSTRY_PREFIXES

    assert {"NY", "SC", "SL", "YD", "SJ", "JR", "GA", "HJ", "DL", "NB", "QC", "YY", "WS", "MH", "TB", "JTG", "CJJ", "JGJ"} <= INDUSTRY_PREFIXES
    assert len(INDUSTRY_PREFIXES) >= 67
    assert all(level_of_code(f"{p}/T 1-2020") == "industry" for p in INDUSTRY_PREFIXES)
