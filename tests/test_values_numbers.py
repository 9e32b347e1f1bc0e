"""Numbers: parsing with AWS's messages, canonical form, exact arithmetic.

Messages and accepted forms: AWS captures (the current layer for PutItem/GetItem/…, the legacy layer for
BatchWriteItem/Scan); canonical forms and acceptance were cross-checked against DynamoDB Local 3.3.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import ValidationException
from app.values.dialect import Dialect
from app.values.numbers import (
    add_numbers,
    canonical_number,
    format_number,
    parse_number,
    subtract_numbers,
)

NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"


def message(text: str, dialect: Dialect = Dialect.CURRENT) -> str:
    with pytest.raises(ValidationException) as caught:
        parse_number(text, dialect)
    assert caught.value.status == 400
    assert caught.value.body()["__type"] == "com.amazon.coral.validate#ValidationException"
    return caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 1", f"{NOT_NUMERIC}:  1"),
        ("1 ", f"{NOT_NUMERIC}: 1 "),
        ("1e", f"{NOT_NUMERIC}: 1e"),
        ("0x10", f"{NOT_NUMERIC}: 0x10"),
        ("Infinity", f"{NOT_NUMERIC}: Infinity"),
        ("-Infinity", f"{NOT_NUMERIC}: -Infinity"),
        ("NaN", f"{NOT_NUMERIC}: NaN"),
        ("abc", f"{NOT_NUMERIC}: abc"),
        ("1.2.3", f"{NOT_NUMERIC}: 1.2.3"),
        ("", f"{NOT_NUMERIC}: "),
        (".", f"{NOT_NUMERIC}: ."),
        ("-", f"{NOT_NUMERIC}: -"),
        ("e5", f"{NOT_NUMERIC}: e5"),
        ("--1", f"{NOT_NUMERIC}: --1"),
        ("1_0", f"{NOT_NUMERIC}: 1_0"),
        ("1,5", f"{NOT_NUMERIC}: 1,5"),
        ("1e5.5", f"{NOT_NUMERIC}: 1e5.5"),
        ("1d", f"{NOT_NUMERIC}: 1d"),
        ("1e9223372036854775808", f"{NOT_NUMERIC}: 1e9223372036854775808"),
        ("1e" + "9" * 5000, f"{NOT_NUMERIC}: 1e" + "9" * 5000),
        ("1234567890123456789012345678901234567890", TOO_PRECISE),
        ("123456789012345678901234567890123456789", TOO_PRECISE),
        ("-1.23456789012345678901234567890123456789", TOO_PRECISE),
        # precision is checked before magnitude (DynamoDB Local's order)
        ("123456789012345678901234567890123456789e200", TOO_PRECISE),
        ("1E+126", OVERFLOW),
        ("1e126", OVERFLOW),
        ("-1e126", OVERFLOW),
        ("11e125", OVERFLOW),
        ("99999999999999999999999999999999999999E+89", OVERFLOW),
        ("1e99999999999", OVERFLOW),
        ("-1e99999999999", OVERFLOW),
        ("1e2147483647", OVERFLOW),
        ("1e2147483648", OVERFLOW),
        ("1e9223372036854775807", OVERFLOW),
        ("0e126", OVERFLOW),
        ("1e-131", UNDERFLOW),
        ("-1e-131", UNDERFLOW),
        ("0.9e-130", UNDERFLOW),
        ("1e-99999999999", UNDERFLOW),
        ("1e-2147483648", UNDERFLOW),
        ("0e-131", UNDERFLOW),
    ],
)
def test_current_layer_messages(text: str, expected: str) -> None:
    assert message(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", f"{NOT_NUMERIC}: abc"),
        ("", NOT_NUMERIC),
        ("1e126", OVERFLOW),
        # BigDecimal: the exponent and the scale are 32-bit, and the range check wraps
        ("1e2147483647", UNDERFLOW),
        ("1e2147483648", f"{NOT_NUMERIC}: 1e2147483648"),
        ("1e-2147483648", f"{NOT_NUMERIC}: 1e-2147483648"),
        ("1e99999999999", f"{NOT_NUMERIC}: 1e99999999999"),
        ("1e-131", UNDERFLOW),
        ("123456789012345678901234567890123456789", TOO_PRECISE),
    ],
)
def test_legacy_layer_messages(text: str, expected: str) -> None:
    assert message(text, Dialect.LEGACY) == expected


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1.50", "1.5"),
        ("1e2", "100"),
        ("1E1", "10"),
        ("1e+1", "10"),
        ("-0", "0"),
        ("-0.0e5", "0"),
        ("0.000", "0"),
        ("0.0", "0"),
        ("0e125", "0"),
        ("0e-130", "0"),
        ("+1", "1"),
        ("+3", "3"),
        (".5", "0.5"),
        ("-.5", "-0.5"),
        ("5.", "5"),
        ("-5.", "-5"),
        ("+.5e+3", "500"),
        ("00001", "1"),
        ("0001.23", "1.23"),
        ("0042.1200", "42.12"),
        ("-17e5", "-1700000"),
        ("-7.1234", "-7.1234"),
        ("1.0000000000000000000000000000000000000000", "1"),
        ("1234567890123456789012345678901234567800", "1234567890123456789012345678901234567800"),
        ("1E+100", "1" + "0" * 100),
        ("1E-100", "0." + "0" * 99 + "1"),
        ("1E+125", "1" + "0" * 125),
        ("1E125", "1" + "0" * 125),
        ("9.9999999999999999999999999999999999999E+125", "9" * 38 + "0" * 88),
        ("99999999999999999999999999999999999999E+88", "9" * 38 + "0" * 88),
        ("1E-130", "0." + "0" * 129 + "1"),
        ("10E-131", "0." + "0" * 129 + "1"),
        ("0.1e-129", "0." + "0" * 129 + "1"),
        ("-1E-130", "-0." + "0" * 129 + "1"),
        ("3.1415926535897932384626433832795028841", "3.1415926535897932384626433832795028841"),
        ("31415926535897932384626433832795028841e30", "31415926535897932384626433832795028841" + "0" * 30),
        ("0.00000000000000000000000000000000000000000012345678901234567890123456789012345678", None),
        ("\u0661", "1"),  # Java's BigDecimal (and DynamoDB Local) read any Unicode decimal digit
    ],
)
def test_canonical_forms(text: str, canonical: str | None) -> None:
    assert canonical_number(text) == (text if canonical is None else canonical)
    assert canonical_number(text, Dialect.LEGACY) == (text if canonical is None else canonical)


def test_parse_returns_the_exact_value_without_insignificant_zeros() -> None:
    assert parse_number("0042.1200").as_tuple() == (0, (4, 2, 1, 2), -2)
    assert parse_number("-1e2").as_tuple() == (1, (1,), 2)
    assert parse_number("-0").as_tuple() == (0, (0,), 0)


def test_format_number_drops_zeros_of_any_decimal() -> None:
    assert format_number(Decimal("1.500E+3")) == "1500"
    assert format_number(Decimal("-0.000")) == "0"
    assert format_number(Decimal("-12.340")) == "-12.34"
    assert format_number(Decimal("0.0010")) == "0.001"


@pytest.mark.parametrize(
    ("left", "operator", "right", "result"),
    [
        ("1", "+", "10000000000000000000000", "10000000000000000000001"),
        ("10000000000000000000000", "-", "1", "9999999999999999999999"),
        ("0.1", "+", "0.2", "0.3"),
        ("1.5", "+", "-1.5", "0"),
        ("1e-130", "-", "1e-130", "0"),
        ("2e-130", "-", "1e-130", "0." + "0" * 129 + "1"),
        ("12345678901234567890123456789012345678", "+", "1", "12345678901234567890123456789012345679"),
        ("99999999999999999999999999999999999999", "+", "1", "1" + "0" * 38),
        ("1e125", "+", "0", "1" + "0" * 125),
        ("-3", "-", "-5", "2"),
    ],
)
def test_arithmetic(left: str, operator: str, right: str, result: str) -> None:
    operation = add_numbers if operator == "+" else subtract_numbers
    assert operation(left, right) == result


@pytest.mark.parametrize(
    ("left", "operator", "right", "expected"),
    [
        ("9e125", "+", "9e125", OVERFLOW),
        ("9e125", "-", "-9e125", OVERFLOW),
        # AWS words a result that needs more than 38 digits as an overflow too
        ("1e50", "+", "1", OVERFLOW),
        ("1e50", "-", "1", OVERFLOW),
        ("1e-100", "+", "1", OVERFLOW),
        ("9.9999999999999999999999999999999999999e125", "+", "1e87", OVERFLOW),
        ("1.1e-130", "-", "1e-130", UNDERFLOW),
    ],
)
def test_arithmetic_errors(left: str, operator: str, right: str, expected: str) -> None:
    operation = add_numbers if operator == "+" else subtract_numbers
    with pytest.raises(ValidationException) as caught:
        operation(canonical_number(left), canonical_number(right))
    assert caught.value.message == expected


# --- properties -------------------------------------------------------------------------------------------

_EXACT = decimal.Context(prec=1000, Emax=10**6, Emin=-(10**6))

literals = st.builds(
    lambda sign, whole, fraction, point, exponent: (
        sign + whole + ("." + fraction if point else "") + exponent
    ),
    st.sampled_from(["", "+", "-"]),
    st.from_regex(r"[0-9]{0,42}", fullmatch=True),
    st.from_regex(r"[0-9]{0,42}", fullmatch=True),
    st.booleans(),
    st.one_of(st.just(""), st.from_regex(r"[eE][+-]?[0-9]{1,3}", fullmatch=True)),
).filter(lambda text: any(char.isdigit() for char in text.split("e")[0].split("E")[0]))


def _accepted(text: str) -> str | None:
    try:
        return canonical_number(text)
    except ValidationException:
        return None


@settings(max_examples=400)
@given(literals)
def test_canonical_form_is_equal_idempotent_and_plain(text: str) -> None:
    canonical = _accepted(text)
    if canonical is None:
        return
    assert Decimal(canonical) == Decimal(text)
    assert canonical_number(canonical) == canonical
    assert "e" not in canonical.lower() and not canonical.startswith("+")
    assert canonical != "-0"
    if "." in canonical:
        assert not canonical.endswith("0") and not canonical.endswith(".")
    digits = canonical.lstrip("-").replace(".", "").strip("0")
    assert len(digits) <= 38


@settings(max_examples=300)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None))
def test_format_then_parse_round_trips_every_decimal_in_range(value: Decimal) -> None:
    canonical = _accepted(str(value))
    if canonical is None:
        return
    assert format_number(value) == canonical
    assert parse_number(canonical) == value


finite_numbers = st.builds(
    lambda digits, exponent, negative: ("-" if negative else "") + digits + "e" + str(exponent),
    st.from_regex(r"[1-9][0-9]{0,37}", fullmatch=True),
    st.integers(min_value=-160, max_value=120),
    st.booleans(),
).map(_accepted)


@settings(max_examples=300)
@given(finite_numbers, finite_numbers)
def test_arithmetic_is_exact_within_range(left: str | None, right: str | None) -> None:
    if left is None or right is None:
        return
    total = _EXACT.add(Decimal(left), Decimal(right))
    expected = _accepted(format(total.normalize(_EXACT), "f"))
    try:
        result: str | None = add_numbers(left, right)
    except ValidationException:
        result = None
    assert result == expected
