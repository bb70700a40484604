"""core.settings.number: the one reader of DOSSIER_* numbers. A typo is an error naming the
variable, never the value used as it stands nor quietly replaced by the default."""
import pytest

from core.settings import SettingError, number

VAR = "DOSSIER_TEST_NUMBER"


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_unset_or_blank_is_the_default(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv(VAR, raising=False)
    else:
        monkeypatch.setenv(VAR, raw)
    assert number(VAR, 7, "things", ge=1) == 7 and number(VAR, 2.5, "seconds", gt=0.0) == 2.5


@pytest.mark.parametrize(("raw", "default", "value"), [(" 12 ", 3, 12), ("1_000", 3, 1000), ("0", 3, 0), ("2.5", 1.0, 2.5), ("3", 1.0, 3.0)])
def test_a_number_in_range_is_taken_with_the_defaults_type(monkeypatch, raw, default, value):
    monkeypatch.setenv(VAR, raw)
    got = number(VAR, default, "things", ge=0)
    assert got == value and type(got) is type(default)


@pytest.mark.parametrize(("raw", "default", "bounds", "need"), [
    ("two", 0, {"ge": 0}, "a whole number ≥ 0 (default 0)"),
    ("1.5", 0, {"ge": 0}, "a whole number ≥ 0 (default 0)"),
    ("-1", 0, {"ge": 0}, "a whole number ≥ 0 (default 0)"),
    ("0", 500, {"ge": 1}, "a whole number ≥ 1 (default 500)"),
    ("0", 300.0, {"gt": 0.0}, "a number above 0 (default 300)"),
    ("nan", 300.0, {"gt": 0.0}, "a number above 0 (default 300)"),
    ("inf", 300.0, {"gt": 0.0}, "a number above 0 (default 300)"),
    ("5m", 300.0, {}, "a number (default 300)"),
    ("9" * 400, 1, {"ge": 1}, "a whole number ≥ 1 (default 1)"),  # math.isfinite raised OverflowError
    ("1e300", 24.0, {"gt": 0.0, "le": 87600.0}, "a number above 0 and at most 87600 (default 24)"),
    ("87601", 24.0, {"gt": 0.0, "le": 87600.0}, "a number above 0 and at most 87600 (default 24)"),
    ("1025", 0, {"ge": 0, "le": 1024}, "a whole number ≥ 0 and at most 1024 (default 0)"),
])
def test_anything_else_is_an_error_naming_the_variable_its_value_and_what_it_needs(monkeypatch, raw, default, bounds, need):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(SettingError) as err:
        number(VAR, default, "the things", **bounds)
    assert str(err.value) == f"{VAR}={raw!r}: give the things as {need}"
