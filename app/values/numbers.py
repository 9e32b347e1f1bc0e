"""DynamoDB numbers: exact decimals of up to 38 significant digits, magnitude 1E-130 to 9.99..E+125.

`parse_number` reads a number as sent on the wire and answers AWS's messages for each failure;
`format_number` writes the form DynamoDB returns (plain decimal, no exponent, no insignificant zeros,
no sign on zero); `add_numbers`/`subtract_numbers` are UpdateItem's exact arithmetic.

What AWS accepts (observed on AWS and on DynamoDB Local): an optional sign, digits with an optional point
(".5" and "5." are numbers), an optional exponent. Whitespace, "0x10", "NaN" and "Infinity" are not.
Leading and trailing zeros are not significant. The range check uses the exponent as written, so zero
itself overflows when written as 0E126 (AWS), and in the legacy layer the check wraps in 32 bits.
"""

from __future__ import annotations

import re
from decimal import Decimal

from app.errors import ValidationException
from app.values.dialect import Dialect

MAX_SIGNIFICANT_DIGITS = 38
# value = 0.d1d2.. x 10^point; 9.99..E+125 has point 126 and 1E-130 has point -129.
MAX_POINT = 126
MIN_POINT = -129

NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"

# \d is any Unicode decimal digit, as Java's BigDecimal reads them (DynamoDB Local stores U+0661 as 1).
_LITERAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
_INT64 = 1 << 63
_INT32 = 1 << 31


def _unconvertible(text: str, dialect: Dialect) -> ValidationException:
    if dialect is Dialect.LEGACY and not text:
        return ValidationException(NOT_NUMERIC)
    return ValidationException(f"{NOT_NUMERIC}: {text}")


def _ascii_digits(text: str) -> str:
    return text if text.isascii() else "".join(str(int(char)) for char in text)


def _exponent(text: str, limit: int) -> int | None:
    """The written exponent, or None when it does not fit a signed integer of `limit` magnitude."""
    if not text:
        return 0
    sign = -1 if text[0] == "-" else 1
    magnitude = _ascii_digits(text.lstrip("+-")).lstrip("0") or "0"
    if len(magnitude) > 20:  # beyond any 64-bit value; also keeps int() away from huge strings
        return None
    value = sign * int(magnitude)
    return value if -limit <= value < limit else None


def _wrap32(value: int) -> int:
    return (value + _INT32) % (1 << 32) - _INT32


def parse_number(text: str, dialect: Dialect = Dialect.CURRENT) -> Decimal:
    """The exact value of a wire number, without insignificant zeros; raises AWS's ValidationException.

    Checks in the reference's order: syntax, then significant digits, then magnitude.
    """
    match = _LITERAL.fullmatch(text)
    if match is None:
        raise _unconvertible(text, dialect)
    sign, whole, fraction, exponent_text = match.groups()
    fraction = fraction or ""
    if not whole and not fraction:
        raise _unconvertible(text, dialect)
    exponent = _exponent(exponent_text or "", _INT32 if dialect is Dialect.LEGACY else _INT64)
    if exponent is None:
        raise _unconvertible(text, dialect)
    scale = len(fraction) - exponent
    if dialect is Dialect.LEGACY and not -_INT32 <= scale < _INT32:
        raise _unconvertible(text, dialect)
    unscaled = _ascii_digits(whole + fraction).lstrip("0")
    significant = unscaled.rstrip("0")
    if len(significant) > MAX_SIGNIFICANT_DIGITS:
        raise ValidationException(TOO_PRECISE)
    # BigDecimal's precision - scale: where the point sits before the first digit (zero has precision 1).
    point = max(len(unscaled), 1) - scale
    if dialect is Dialect.LEGACY:
        point = _wrap32(point)
    if point > MAX_POINT:
        raise ValidationException(OVERFLOW)
    if point < MIN_POINT:
        raise ValidationException(UNDERFLOW)
    if not significant:
        return Decimal(0)
    trailing_zeros = len(unscaled) - len(significant)
    return Decimal((sign == "-", tuple(map(int, significant)), trailing_zeros - scale))


def format_number(value: Decimal) -> str:
    """The plain decimal form DynamoDB returns: "1.50" -> "1.5", "1E+2" -> "100", "-0" -> "0"."""
    negative, digit_tuple, exponent = value.as_tuple()
    assert isinstance(exponent, int), "DynamoDB numbers are finite"
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    stripped = digits.rstrip("0")
    if not stripped:
        return "0"
    exponent += len(digits) - len(stripped)
    if exponent >= 0:
        text = stripped + "0" * exponent
    elif -exponent < len(stripped):
        text = f"{stripped[:exponent]}.{stripped[exponent:]}"
    else:
        text = "0." + "0" * (-exponent - len(stripped)) + stripped
    return "-" + text if negative else text


def canonical_number(text: str, dialect: Dialect = Dialect.CURRENT) -> str:
    """Validate a wire number and return it as DynamoDB stores and returns it."""
    return format_number(parse_number(text, dialect))


def _scaled(value: Decimal) -> tuple[int, int]:
    negative, digit_tuple, exponent = value.as_tuple()
    assert isinstance(exponent, int), "DynamoDB numbers are finite"
    magnitude = int("".join(map(str, digit_tuple)) or "0")
    return (-magnitude if negative else magnitude), exponent


def _checked_sum(left: str, right: str, right_sign: int) -> str:
    left_units, left_exponent = _scaled(parse_number(left))
    right_units, right_exponent = _scaled(parse_number(right))
    exponent = min(left_exponent, right_exponent)
    total = left_units * 10 ** (left_exponent - exponent) + right_sign * right_units * 10 ** (
        right_exponent - exponent
    )
    if total == 0:
        return "0"
    digits = str(abs(total))
    significant = digits.rstrip("0")
    # AWS answers a result needing more than 38 digits (1E50 + 1) with the overflow message.
    if len(significant) > MAX_SIGNIFICANT_DIGITS or len(digits) + exponent > MAX_POINT:
        raise ValidationException(OVERFLOW)
    if len(digits) + exponent < MIN_POINT:
        raise ValidationException(UNDERFLOW)
    result = Decimal((total < 0, tuple(map(int, significant)), exponent + len(digits) - len(significant)))
    return format_number(result)


def add_numbers(left: str, right: str) -> str:
    """left + right for two valid DynamoDB numbers, exactly; raises AWS's overflow/underflow errors."""
    return _checked_sum(left, right, 1)


def subtract_numbers(left: str, right: str) -> str:
    """left - right for two valid DynamoDB numbers, exactly; raises AWS's overflow/underflow errors."""
    return _checked_sum(left, right, -1)
