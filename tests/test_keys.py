"""Key encodings: byte order equals DynamoDB order, equal numbers encode equally, decoding round-trips."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.api import InvalidKey, KeyAttribute, KeySchema
from storage.keys import (
    decode_number,
    decode_value,
    encode_key,
    encode_number,
    encode_value,
    partition_hash,
    to_signed,
)

# DynamoDB numbers: up to 38 significant digits, magnitude 1E-130 .. 9.99..E+125 (and zero).
dynamo_numbers = st.builds(
    lambda negative, digits, exponent: Decimal((int(negative), tuple(digits), exponent)),
    st.booleans(),
    st.lists(st.integers(0, 9), min_size=1, max_size=38),
    st.integers(-130 - 37, 125),
).filter(lambda d: d == 0 or Decimal("1E-130") <= abs(d) < Decimal("1E+126"))


def spellings(value: Decimal) -> list[str]:
    """Different wire spellings of one number."""
    forms = [str(value), format(value, "f"), format(value, "E"), format(value, "e")]
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    padded = "".join(map(str, digits)) + "000"
    forms.append(("-" if sign else "") + padded + "E" + str(exponent - 3))
    forms.append(("-" if sign else "+") + "00" + "".join(map(str, digits)) + "e" + str(exponent))
    return forms


@settings(max_examples=400)
@given(dynamo_numbers, dynamo_numbers)
def test_number_encoding_order_is_numeric_order(a: Decimal, b: Decimal) -> None:
    ea, eb = encode_number(str(a)), encode_number(str(b))
    assert (ea < eb) == (a < b)
    assert (ea == eb) == (a == b)


@settings(max_examples=300)
@given(dynamo_numbers)
def test_equal_numbers_encode_equally_and_round_trip(value: Decimal) -> None:
    encodings = {encode_number(text) for text in spellings(value)}
    assert len(encodings) == 1
    (encoded,) = encodings
    assert Decimal(decode_number(encoded)) == value
    assert encode_number(decode_number(encoded)) == encoded


@settings(max_examples=300)
@given(st.lists(dynamo_numbers, min_size=2, max_size=30))
def test_sorting_by_encoding_sorts_numerically(values: list[Decimal]) -> None:
    by_bytes = sorted(values, key=lambda d: encode_number(str(d)))
    assert by_bytes == sorted(values)


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        ("-9.9999999999999999999999999999999999999E+125", "-1E+125"),
        ("-1", "-0.5"),
        ("-0.12", "-0.12E-1"),
        ("-1E-130", "0"),
        ("0", "1E-130"),
        ("0.12", "0.1205"),
        ("0.12", "0.13"),
        ("9", "10"),
        ("99", "100"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345679"),
        ("1", "9.9999999999999999999999999999999999999E+125"),
    ],
)
def test_number_boundaries(smaller: str, larger: str) -> None:
    assert encode_number(smaller) < encode_number(larger)


@pytest.mark.parametrize(
    "same", [["1", "1.0", "10E-1", "+1", "0.1e1", "001.000"], ["0", "-0", "0.000", "0E+5"]]
)
def test_equal_spellings(same: list[str]) -> None:
    assert len({encode_number(text) for text in same}) == 1


def test_decode_is_canonical() -> None:
    assert decode_number(encode_number("-1.50E+3")) == "-1500"
    assert decode_number(encode_number("0.00100")) == "0.001"
    assert decode_number(encode_number("-0")) == "0"


@pytest.mark.parametrize(
    "bad", ["", " 1", "1 ", "1_000", "NaN", "Infinity", "-inf", "1e", ".", "1E+99999", "0x10"]
)
def test_invalid_numbers_are_refused(bad: str) -> None:
    with pytest.raises(InvalidKey):
        encode_number(bad)


@settings(max_examples=400)
@given(st.text(), st.text())
def test_string_order_is_utf8_byte_order(a: str, b: str) -> None:
    ea, eb = encode_value({"S": a}, "S"), encode_value({"S": b}, "S")
    assert (ea < eb) == (a.encode() < b.encode())
    assert decode_value(ea, "S") == {"S": a}


def test_string_order_is_not_code_unit_order() -> None:
    # U+10000 sorts before U+FF61 in UTF-16 code units (a surrogate pair, D800 DC00) but after it in UTF-8
    # bytes (F0 90 80 80 > EF BD A1); DynamoDB orders by UTF-8 bytes.
    assert encode_value({"S": "\uff61"}, "S") < encode_value({"S": "\U00010000"}, "S")


@settings(max_examples=400)
@given(st.binary(), st.binary())
def test_binary_order_is_byte_order(a: bytes, b: bytes) -> None:
    ea = encode_value({"B": base64.b64encode(a).decode()}, "B")
    eb = encode_value({"B": base64.b64encode(b).decode()}, "B")
    assert (ea < eb) == (a < b)
    assert decode_value(ea, "B") == {"B": base64.b64encode(a).decode()}


@pytest.mark.parametrize(
    ("value", "key_type"),
    [({"N": "1"}, "S"), ({"S": 1}, "S"), ("x", "S"), ({"S": "a", "N": "1"}, "S"), ({"B": "!!"}, "B")],
)
def test_wrong_values_are_refused(value: object, key_type: str) -> None:
    with pytest.raises(InvalidKey):
        encode_value(value, key_type)  # type: ignore[arg-type]


def test_partition_hash_is_stable_and_signed_mapping_keeps_order() -> None:
    # blake2b is specified; this value must never change, or stored data would be routed elsewhere.
    assert partition_hash(b"user#1") == int.from_bytes(bytes.fromhex("f5331475fd706c65"), "big")
    assert to_signed(0) == -(2**63)
    assert to_signed(2**64 - 1) == 2**63 - 1
    assert to_signed(2**63) == 0


def test_encode_key_uses_the_schema() -> None:
    schema = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))
    item = {"pk": {"S": "a"}, "sk": {"N": "1.0"}, "other": {"S": "x"}}
    key = encode_key(schema, item)
    assert key == encode_key(schema, {"pk": {"S": "a"}, "sk": {"N": "1"}})
    assert key.pk == b"a"
    assert key.hash == to_signed(partition_hash(b"a"))
    assert encode_key(KeySchema(KeyAttribute("pk", "S")), item).sk == b""
    with pytest.raises(InvalidKey):
        encode_key(schema, {"pk": {"S": "a"}})
