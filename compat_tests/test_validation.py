"""Request validation: AWS's exact error type, message and status for malformed requests.

Expected answers are AWS's, as recorded against live DynamoDB by other projects' suites (dynalite's
tests run with REMOTE=1, a 2026 conformance suite, floci's probes). DynamoDB Local validates with its
own code: it words constraint errors differently ("Invalid table/index name. ...", "Limit must be
greater than or equal to 1", no "N validation errors detected:" envelope), answers most wrong JSON
types with a 500 InternalFailure, and checks the table's existence before some constraints; tests
hitting those differences carry `reference_deviation`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import RawClient, require_operation

VALIDATION = "com.amazon.coral.validate#ValidationException"
SERIALIZATION = "com.amazon.coral.service#SerializationException"

OWN_MESSAGES = "DynamoDB Local words validation errors its own way, without the Coral envelope"
NO_TYPE_CHECK = "DynamoDB Local answers wrong JSON types with 500 InternalFailure or ignores them"
TABLE_FIRST = "DynamoDB Local looks the table up before checking these constraints"

KEY = [{"AttributeName": "pk", "KeyType": "HASH"}]
DEFINITIONS = [{"AttributeName": "pk", "AttributeType": "S"}]


def error(value: str, path: str, constraint: str) -> str:
    return f"Value {value} at '{path}' failed to satisfy constraint: {constraint}"


def detected(*errors: str) -> str:
    count = len(errors)
    return f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(errors)


def client_error(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    response: dict[str, Any] = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return dict(response["Error"])


def assert_validation(call: Any, message: str, **params: Any) -> None:
    found = client_error(call, **params)
    assert (found["Code"], found["Message"]) == ("ValidationException", message)


# --- constraints of the model ------------------------------------------------------------------------------


@pytest.mark.reference_deviation(OWN_MESSAGES)
def test_create_table_name_too_short(ddb: Any) -> None:
    message = detected(error("'ab'", "tableName", "Member must have length greater than or equal to 3"))
    assert_validation(
        ddb.create_table,
        message,
        TableName="ab",
        AttributeDefinitions=DEFINITIONS,
        KeySchema=KEY,
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.mark.reference_deviation(OWN_MESSAGES)
def test_create_table_without_name(raw: RawClient) -> None:
    response = raw.request("CreateTable", {"AttributeDefinitions": DEFINITIONS, "KeySchema": KEY})
    assert response.status == 400
    assert response.json() == {
        "__type": VALIDATION,
        "message": "The parameter 'TableName' is required but was not present in the request",
    }


@pytest.mark.reference_deviation(OWN_MESSAGES)
@pytest.mark.parametrize(
    ("limit", "constraint"),
    [
        (0, "Member must have value greater than or equal to 1"),
        (101, "Member must have value less than or equal to 100"),
    ],
)
def test_list_tables_limit_bounds(ddb: Any, limit: int, constraint: str) -> None:
    assert_validation(ddb.list_tables, detected(error(f"'{limit}'", "limit", constraint)), Limit=limit)


@pytest.mark.reference_deviation(OWN_MESSAGES)
@pytest.mark.parametrize(
    ("name", "constraint"),
    [
        ("a" * 256, "Member must have length less than or equal to 255"),
        ("bad table!@#", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
    ],
)
def test_describe_table_name_rules(ddb: Any, name: str, constraint: str) -> None:
    assert_validation(
        ddb.describe_table, detected(error(f"'{name}'", "tableName", constraint)), TableName=name
    )


@pytest.mark.reference_deviation(OWN_MESSAGES)
def test_put_item_table_name_too_long(ddb: Any) -> None:
    name = "a" * 256
    message = detected(error(f"'{name}'", "tableName", "Member must have length less than or equal to 255"))
    assert_validation(ddb.put_item, message, TableName=name, Item={"pk": {"S": "x"}})


@pytest.mark.reference_deviation(OWN_MESSAGES)
def test_put_item_without_table_name(ddb: Any) -> None:
    message = detected(error("null", "tableName", "Member must not be null"))
    assert_validation(ddb.put_item, message, Item={"pk": {"S": "x"}})


@pytest.mark.reference_deviation(OWN_MESSAGES)
def test_enum_member(ddb: Any) -> None:
    definitions = [{"AttributeName": "pk", "AttributeType": "INVALID"}]
    message = detected(
        error(
            "'INVALID'",
            "attributeDefinitions.1.member.attributeType",
            "Member must satisfy enum value set: [B, N, S]",
        )
    )
    assert_validation(
        ddb.create_table,
        message,
        TableName="compat-enum",
        AttributeDefinitions=definitions,
        KeySchema=KEY,
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.mark.reference_deviation(OWN_MESSAGES)
def test_key_schema_too_long_renders_the_list(ddb: Any) -> None:
    key_schema = [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
        {"AttributeName": "extra", "KeyType": "RANGE"},
    ]
    rendered = ", ".join(
        f"KeySchemaElement(attributeName={k['AttributeName']}, keyType={k['KeyType']})" for k in key_schema
    )
    message = detected(
        error(f"'[{rendered}]'", "keySchema", "Member must have length less than or equal to 2")
    )
    assert_validation(
        ddb.create_table,
        message,
        TableName="compat-keys",
        AttributeDefinitions=DEFINITIONS,
        KeySchema=key_schema,
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.mark.reference_deviation(OWN_MESSAGES)
@pytest.mark.parametrize("operation", ["transact_write_items", "transact_get_items"])
def test_empty_transaction(ddb: Any, raw: RawClient, operation: str) -> None:
    require_operation(raw, "".join(part.title() for part in operation.split("_")))
    message = detected(error("'[]'", "transactItems", "Member must have length greater than or equal to 1"))
    assert_validation(getattr(ddb, operation), message, TransactItems=[])


@pytest.mark.reference_deviation(OWN_MESSAGES)
@pytest.mark.parametrize(
    ("operation", "action"),
    [
        (
            "transact_write_items",
            lambda i: {"Put": {"TableName": "compat-tx", "Item": {"pk": {"S": f"k{i}"}}}},
        ),
        ("transact_get_items", lambda i: {"Get": {"TableName": "compat-tx", "Key": {"pk": {"S": f"k{i}"}}}}),
    ],
)
def test_more_than_100_transaction_actions(ddb: Any, raw: RawClient, operation: str, action: Any) -> None:
    # AWS echoes the whole list (Java's toString of the request objects); the constraint is what matters.
    require_operation(raw, "".join(part.title() for part in operation.split("_")))
    found = client_error(getattr(ddb, operation), TransactItems=[action(i) for i in range(101)])
    assert found["Code"] == "ValidationException"
    assert re.fullmatch(
        r"1 validation error detected: Value '\[.+\]' at 'transactItems' failed to satisfy constraint: "
        r"Member must have length less than or equal to 100",
        found["Message"],
        re.DOTALL,
    ), found["Message"]


@pytest.mark.reference_deviation(OWN_MESSAGES)
@pytest.mark.requires_operation("BatchGetItem")
def test_batch_get_item_without_requests(ddb: Any) -> None:
    assert_validation(
        ddb.batch_get_item, "The requestItems parameter is required for BatchGetItem", RequestItems={}
    )


@pytest.mark.reference_deviation(TABLE_FIRST)
@pytest.mark.requires_operation("Query")
def test_several_errors_in_one_message(ddb: Any) -> None:
    operators = "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
    message = detected(
        error(
            "'hi'",
            "select",
            "Member must satisfy enum value set: "
            "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
        ),
        error("'abc;'", "indexName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
        error("'hi'", "returnConsumedCapacity", "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
        error("null", "queryFilter.a.member.comparisonOperator", "Member must not be null"),
        error(
            "''",
            "queryFilter.b.member.comparisonOperator",
            f"Member must satisfy enum value set: {operators}",
        ),
        error("'AN'", "conditionalOperator", "Member must satisfy enum value set: [OR, AND]"),
        error("'[]'", "attributesToGet", "Member must have length greater than or equal to 1"),
        error("'-1'", "limit", "Member must have value greater than or equal to 1"),
        error("null", "keyConditions.a.member.comparisonOperator", "Member must not be null"),
        error(
            "''",
            "keyConditions.b.member.comparisonOperator",
            f"Member must satisfy enum value set: {operators}",
        ),
    )
    assert_validation(
        ddb.query,
        message,
        TableName="abc;",
        ReturnConsumedCapacity="hi",
        AttributesToGet=[],
        IndexName="abc;",
        Select="hi",
        Limit=-1,
        KeyConditions={"a": {}, "b": {"ComparisonOperator": ""}},
        ConditionalOperator="AN",
        QueryFilter={"a": {}, "b": {"ComparisonOperator": ""}},
    )


@pytest.mark.reference_deviation(OWN_MESSAGES)
def test_validation_error_on_the_wire(raw: RawClient) -> None:
    response = raw.request("ListTables", {"Limit": 0})
    assert response.status == 400
    assert response.json() == {
        "__type": VALIDATION,
        "message": detected(error("'0'", "limit", "Member must have value greater than or equal to 1")),
    }


# --- wrong JSON types --------------------------------------------------------------------------------------


@pytest.mark.reference_deviation(NO_TYPE_CHECK)
@pytest.mark.parametrize(
    ("operation", "body", "message"),
    [
        ("Scan", '{"TableName":"abc","IndexName":5}', "NUMBER_VALUE cannot be converted to String"),
        ("Scan", '{"TableName":"abc","IndexName":5.5}', "DECIMAL_VALUE cannot be converted to String"),
        ("Scan", '{"TableName":"abc","IndexName":true}', "TRUE_VALUE cannot be converted to String"),
        ("Scan", '{"TableName":"abc","IndexName":{}}', "Start of structure or map found where not expected"),
        ("Scan", '{"TableName":"abc","Limit":"5"}', "STRING_VALUE cannot be converted to Integer"),
        ("Scan", '{"TableName":"abc","ConsistentRead":"abc"}', "Unexpected token received from parser"),
        ("Scan", '{"TableName":"abc","ConsistentRead":0}', "NUMBER_VALUE cannot be converted to Boolean"),
        ("Scan", '{"TableName":"abc","AttributesToGet":"a"}', "Unexpected field type"),
        (
            "Scan",
            '{"TableName":"abc","AttributesToGet":{}}',
            "Start of structure or map found where not expected",
        ),
        ("UpdateTable", '{"TableName":"abc","ProvisionedThroughput":"a"}', "Unexpected field type"),
        (
            "UpdateTable",
            '{"TableName":"abc","ProvisionedThroughput":{"ReadCapacityUnits":"5","WriteCapacityUnits":5}}',
            "STRING_VALUE cannot be converted to Long",
        ),
        ("PutItem", '{"TableName":"abc","Item":{"a":5}}', "Unexpected value type in payload"),
        (
            "PutItem",
            '{"TableName":"abc","Item":{"a":{"S":123}}}',
            "NUMBER_VALUE cannot be converted to String",
        ),
        (
            "PutItem",
            '{"TableName":"abc","Item":{"a":{"B":5}}}',
            "only base-64-encoded strings are convertible to bytes",
        ),
        (
            "PutItem",
            '{"TableName":"abc","Item":{"a":{"B":"23456"}}}',
            "Base64 encoded length is expected a multiple of 4 bytes but found: 5",
        ),
        (
            "PutItem",
            '{"TableName":"abc","Item":{"a":{"B":"+/+="}}}',
            "Invalid last non-pad Base64 character dectected",
        ),
        # the first mismatch in the body is reported, and before any constraint (TableName 'a' is too short)
        (
            "Scan",
            '{"TableName":"a","Limit":"5","IndexName":5}',
            "STRING_VALUE cannot be converted to Integer",
        ),
        ("Scan", '{"TableName":"a","IndexName":5,"Limit":"5"}', "NUMBER_VALUE cannot be converted to String"),
    ],
)
def test_wrong_json_type(raw: RawClient, operation: str, body: str, message: str) -> None:
    require_operation(raw, operation)
    response = raw.request(operation, body)
    assert response.status == 400
    assert response.json() == {"__type": SERIALIZATION, "Message": message}


@pytest.mark.reference_deviation(NO_TYPE_CHECK)
@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("Scan", '{"TableName":"abc","IndexName":[]}'),
        ("UpdateTable", '{"TableName":"abc","ProvisionedThroughput":[]}'),
        ("BatchWriteItem", '{"RequestItems":{"abc":5}}'),
        ("BatchGetItem", '{"RequestItems":{"abc":{"Keys":[5]}}}'),
    ],
)
def test_wrong_json_type_without_message(raw: RawClient, operation: str, body: str) -> None:
    # AWS once leaked Java internals here ("Unrecognized collection type ..."); it now sends no message
    require_operation(raw, operation)
    response = raw.request(operation, body)
    assert response.status == 400
    assert response.json() == {"__type": SERIALIZATION}


# --- what the type check accepts ---------------------------------------------------------------------------


def test_nulls_are_absent_and_unknown_members_ignored(raw: RawClient) -> None:
    response = raw.request("ListTables", '{"Limit":null,"ExclusiveStartTableName":null,"Unknown":{"x":[1]}}')
    assert response.status == 200
    assert isinstance(response.json()["TableNames"], list)


@pytest.mark.requires_operation("Scan")
def test_booleans_and_integers_are_converted(raw: RawClient, hash_table: str) -> None:
    body = f'{{"TableName":"{hash_table}","ConsistentRead":"TRUE","Limit":5.5}}'
    response = raw.request("Scan", body)
    assert response.status == 200
    assert response.json()["Count"] == response.json()["ScannedCount"]
