"""ExecuteStatement's NextToken: an opaque round trip of the read position, and AWS's refusals."""

from __future__ import annotations

import base64

import orjson
import pytest

from app.errors import ValidationException
from app.operations.statement_reads import Resume, decode_token, encode_token
from app.partiql.keys import ReadKeys
from app.partiql.plans import SelectPlan
from storage.api import KeyAttribute, KeySchema, Namespace, TableMeta

SCHEMA = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))
META = TableMeta(Namespace("000000000000", "us-east-1"), "tab", "id", 0.0, SCHEMA, {}, 1, 1)
PLAN = SelectPlan("tab", None, SCHEMA, ReadKeys((), None), None, None, True)
KEY = {"pk": {"S": "a"}, "sk": {"N": "1"}}


def failure(token: str, now: float = 100.0, ops: int = 1) -> str:
    with pytest.raises(ValidationException) as raised:
        decode_token(token, now, META, PLAN, ops)
    return raised.value.message


def test_round_trip() -> None:
    token = encode_token(100.0, Resume(1, KEY))
    assert decode_token(token, 130.0, META, PLAN, 2) == Resume(1, KEY)


def test_refusals() -> None:
    assert failure("not a token") == "Invalid NextToken"
    assert failure(base64.b64encode(b"{}").decode()) == "Invalid NextToken"
    assert (
        failure(encode_token(100.0, Resume(0, KEY)), now=100.0 + 3601)
        == "Given NextToken has already expired"
    )
    assert failure(encode_token(100.0, Resume(0, {"pk": {"S": "a"}}))) == (
        "Exclusive Start Key must have same size as table's key schema"
    )
    assert failure(encode_token(100.0, Resume(3, KEY))) == "Invalid NextToken"
    wrong_type = {"pk": {"N": "1"}, "sk": {"N": "1"}}
    assert failure(encode_token(100.0, Resume(0, wrong_type))) == "Invalid NextToken"
    data = orjson.loads(base64.b64decode(encode_token(100.0, Resume(0, KEY))))
    data["format"] = 9
    assert failure(base64.b64encode(orjson.dumps(data)).decode()) == "Invalid NextToken"
