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
