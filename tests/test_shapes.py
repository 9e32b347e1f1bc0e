"""Request validation (app/shapes): AWS's exact SerializationException and ValidationException messages.

Expected messages are AWS's, as recorded by emulators that test against live DynamoDB (dynalite's
suite run with REMOTE=1, floci's probes, a 2026 conformance suite); see app/shapes/*.py for sources.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import DynamoDBError, SerializationException, UnknownOperationException, ValidationException
from app.shapes import known_operation, operations, prepare, validate
from app.shapes.javaorder import enum_order, hashmap_order, java_string_hash
from app.shapes.render import java_double
from app.shapes.serialization import base64_error

TABLE = {"TableName": "table"}


def serialization_message(operation: str, body: Any) -> str:
    with pytest.raises(SerializationException) as caught:
        validate(operation, body)
    return caught.value.message


def validation_message(operation: str, body: Any) -> str:
    with pytest.raises(ValidationException) as caught:
        validate(operation, body)
    return caught.value.message


def error(value: str, path: str, constraint: str) -> str:
    return f"Value {value} at '{path}' failed to satisfy constraint: {constraint}"


def detected(*errors: str) -> str:
    count = len(errors)
    return f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(errors)


def one_error(value: str, path: str, constraint: str) -> str:
    return detected(error(value, path, constraint))


PATTERN = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
MIN_3 = "Member must have length greater than or equal to 3"
MIN_1 = "Member must have length greater than or equal to 1"
NOT_NULL = "Member must not be null"


# --- Java orders ---------------------------------------------------------------------------------------


def test_java_string_hash_matches_java() -> None:
    assert java_string_hash("hello") == 99162322
    assert java_string_hash("") == 0
    # "😀" is the surrogate pair D83D DE00 in Java: 31 * 0xD83D + 0xDE00
    assert java_string_hash("😀") == 31 * 0xD83D + 0xDE00


def test_hashmap_order_puts_write_before_read() -> None:
    assert hashmap_order(["readCapacityUnits", "writeCapacityUnits"]) == [
        "writeCapacityUnits",
        "readCapacityUnits",
    ]


def test_hashmap_order_keeps_insertion_order_within_a_bucket() -> None:
    # "Aa" and "BB" have the same String.hashCode
    assert hashmap_order(["Aa", "BB"]) == ["Aa", "BB"]
    assert hashmap_order(["BB", "Aa"]) == ["BB", "Aa"]


@pytest.mark.parametrize(
    ("values", "aws_order"),
    [
        (
            [
                "EQ",
                "NE",
                "IN",
                "LE",
                "LT",
                "GE",
                "GT",
                "BETWEEN",
                "NOT_NULL",
                "NULL",
                "CONTAINS",
                "NOT_CONTAINS",
                "BEGINS_WITH",
            ],
            [
                "IN",
                "NULL",
                "BETWEEN",
                "LT",
                "NOT_CONTAINS",
                "EQ",
                "GT",
                "NOT_NULL",
                "NE",
                "LE",
                "BEGINS_WITH",
                "GE",
                "CONTAINS",
            ],
        ),
        (
            ["ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"],
            ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"],
        ),
        (["INDEXES", "TOTAL", "NONE"], ["INDEXES", "TOTAL", "NONE"]),
        (["AND", "OR"], ["OR", "AND"]),
        (["S", "N", "B"], ["B", "N", "S"]),
        (["PROVISIONED", "PAY_PER_REQUEST"], ["PROVISIONED", "PAY_PER_REQUEST"]),
        (["HASH", "RANGE"], ["HASH", "RANGE"]),
    ],
)
def test_enum_order_matches_aws_messages(values: list[str], aws_order: list[str]) -> None:
    assert enum_order(values) == aws_order


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1.0"),
        (0.5, "0.5"),
        (-3.0, "-3.0"),
        (1e7, "1.0E7"),
        (1.5e-5, "1.5E-5"),
        (123456789.0, "1.23456789E8"),
        (0.001, "0.001"),
        (9999999.0, "9999999.0"),
    ],
)
def test_java_double(value: float, text: str) -> None:
    assert java_double(value) == text


# --- operations ----------------------------------------------------------------------------------------


def test_operations_of_both_apis_are_known() -> None:
    assert known_operation("PutItem")
    assert known_operation("GetRecords")
    assert not known_operation("NoSuchOperation")
    assert {"CreateTable", "ListStreams", "TransactWriteItems"} <= operations()


def test_unknown_operation_is_rejected() -> None:
    with pytest.raises(UnknownOperationException):
        validate("NoSuchOperation", {})


def test_operation_without_input_members_takes_any_object() -> None:
    assert validate("DescribeLimits", {"Anything": 1}) == {"Anything": 1}


@pytest.mark.parametrize("body", [[], 5, "x", None, True])
def test_body_that_is_not_an_object_is_a_bare_serialization_error(body: Any) -> None:
    assert serialization_message("ListTables", body) == ""


# --- SerializationException: each shape type and JSON type ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "TRUE_VALUE cannot be converted to String"),
        (False, "FALSE_VALUE cannot be converted to String"),
        (23, "NUMBER_VALUE cannot be converted to String"),
        (2147483648, "NUMBER_VALUE cannot be converted to String"),
        (34.56, "DECIMAL_VALUE cannot be converted to String"),
        ({}, "Start of structure or map found where not expected"),
        ([], ""),
    ],
)
def test_string_member(value: Any, message: str) -> None:
    assert serialization_message("Scan", {**TABLE, "IndexName": value}) == message


@pytest.mark.parametrize(
    ("operation", "body", "message"),
    [
        ("Scan", {**TABLE, "Limit": "5"}, "STRING_VALUE cannot be converted to Integer"),
        ("Scan", {**TABLE, "Limit": True}, "TRUE_VALUE cannot be converted to Integer"),
        ("Scan", {**TABLE, "Limit": {}}, "Start of structure or map found where not expected"),
        ("Scan", {**TABLE, "Limit": []}, ""),
        (
            "UpdateTable",
            {**TABLE, "ProvisionedThroughput": {"ReadCapacityUnits": "5"}},
            "STRING_VALUE cannot be converted to Long",
        ),
        (
            "UpdateTable",
            {**TABLE, "ProvisionedThroughput": {"WriteCapacityUnits": False}},
            "FALSE_VALUE cannot be converted to Long",
        ),
        (
            "ListBackups",
            {"TimeRangeLowerBound": "2020-01-01T00:00:00Z"},
            "STRING_VALUE cannot be converted to Date",
        ),
        (
            "UpdateTableReplicaAutoScaling",
            {
                **TABLE,
                "ProvisionedWriteCapacityAutoScalingUpdate": {
                    "ScalingPolicyUpdate": {"TargetTrackingScalingPolicyConfiguration": {"TargetValue": "50"}}
                },
            },
            "STRING_VALUE cannot be converted to Double",
        ),
    ],
)
def test_number_members(operation: str, body: dict[str, Any], message: str) -> None:
    assert serialization_message(operation, body) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Unexpected token received from parser"),
        (23, "NUMBER_VALUE cannot be converted to Boolean"),
        (0, "NUMBER_VALUE cannot be converted to Boolean"),
        (34.56, "DECIMAL_VALUE cannot be converted to Boolean"),
        ({}, "Start of structure or map found where not expected"),
        ([], ""),
    ],
)
def test_boolean_member(value: Any, message: str) -> None:
    assert serialization_message("Scan", {**TABLE, "ConsistentRead": value}) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "only base-64-encoded strings are convertible to bytes"),
        (23, "only base-64-encoded strings are convertible to bytes"),
        (34.56, "only base-64-encoded strings are convertible to bytes"),
        ({}, "Start of structure or map found where not expected"),
        ([], ""),
        ("23456", "Base64 encoded length is expected a multiple of 4 bytes but found: 5"),
        ("=+/=", "Invalid last non-pad Base64 character dectected"),
        ("+/+=", "Invalid last non-pad Base64 character dectected"),
        ("ab!d", "Invalid Base64 character: '!'"),
    ],
)
def test_blob_in_attribute_value(value: Any, message: str) -> None:
    assert serialization_message("PutItem", {**TABLE, "Item": {"a": {"B": value}}}) == message


@pytest.mark.parametrize("value", ["", "aGVsbG8=", "aGk=", "AAAA", "+/+/"])
def test_valid_base64(value: str) -> None:
    assert base64_error(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("23", "Unexpected field type"),
        (True, "Unexpected field type"),
        (23, "Unexpected field type"),
        (34.56, "Unexpected field type"),
        ({}, "Start of structure or map found where not expected"),
    ],
)
def test_list_member(value: Any, message: str) -> None:
    assert serialization_message("Scan", {**TABLE, "AttributesToGet": value}) == message


@pytest.mark.parametrize(
    ("value", "message"), [("23", "Unexpected field type"), (5, "Unexpected field type"), ([], "")]
)
def test_map_member(value: Any, message: str) -> None:
    assert serialization_message("Scan", {**TABLE, "ExpressionAttributeNames": value}) == message


@pytest.mark.parametrize(
    ("value", "message"), [("a", "Unexpected field type"), (5, "Unexpected field type"), ([], "")]
)
def test_structure_member(value: Any, message: str) -> None:
    assert serialization_message("UpdateTable", {**TABLE, "ProvisionedThroughput": value}) == message


def test_structure_inside_a_list_or_map() -> None:
    updates = {**TABLE, "GlobalSecondaryIndexUpdates": ["a"]}
    assert serialization_message("UpdateTable", updates) == "Unexpected value type in payload"
    assert serialization_message("PutItem", {**TABLE, "Item": {"a": 5}}) == "Unexpected value type in payload"
    assert serialization_message("PutItem", {**TABLE, "Item": {"a": []}}) == ""


def test_list_and_map_inside_a_list_or_map_are_bare() -> None:
    assert serialization_message("BatchWriteItem", {"RequestItems": {"t": 5}}) == ""
    assert serialization_message("BatchGetItem", {"RequestItems": {"t": {"Keys": [5]}}}) == ""


def test_nested_members_are_checked() -> None:
    body: dict[str, Any] = {**TABLE, "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": 5}}]}
    assert serialization_message("UpdateTable", body) == "NUMBER_VALUE cannot be converted to String"
    body = {**TABLE, "ExclusiveStartKey": {"pk": {"S": 123}}}
    assert serialization_message("Scan", body) == "NUMBER_VALUE cannot be converted to String"
    body = {**TABLE, "Item": {"a": {"L": [{"M": {"b": {"BS": ["AAAA", True]}}}]}}}
    assert serialization_message("PutItem", body) == "only base-64-encoded strings are convertible to bytes"


def test_first_mismatch_in_document_order_wins() -> None:
    body = orjson.loads(b'{"TableName":"t","Limit":"5","IndexName":5}')
    assert serialization_message("Scan", body) == "STRING_VALUE cannot be converted to Integer"
    body = orjson.loads(b'{"TableName":"t","IndexName":5,"Limit":"5"}')
    assert serialization_message("Scan", body) == "NUMBER_VALUE cannot be converted to String"


def test_type_errors_come_before_constraint_errors() -> None:
    # TableName 'a' breaks a constraint, but the type error later in the body is what AWS reports
    assert (
        serialization_message("Scan", {"TableName": "a", "Limit": "x"})
        == "STRING_VALUE cannot be converted to Integer"
    )


# --- normalization ---------------------------------------------------------------------------------------


def test_nulls_are_absent_members_and_unknown_members_are_ignored() -> None:
    body = validate("Scan", {**TABLE, "IndexName": None, "Limit": None, "Unknown": 5})
    assert body == {**TABLE, "Unknown": 5}
    body = validate("PutItem", {**TABLE, "Item": {"a": {"S": "x", "N": None}}})
    assert body["Item"] == {"a": {"S": "x"}}


def test_required_member_given_as_null_is_missing() -> None:
    assert validation_message("GetItem", {**TABLE, "Key": None}) == one_error(
        "null", "key", "Member must not be null"
    )


def test_booleans_accept_true_and_false_words() -> None:
    assert validate("Scan", {**TABLE, "ConsistentRead": "TRUE"})["ConsistentRead"] is True
    assert validate("Scan", {**TABLE, "ConsistentRead": "false"})["ConsistentRead"] is False
    item = validate("PutItem", {**TABLE, "Item": {"a": {"BOOL": "True"}}})["Item"]
    assert item["a"]["BOOL"] is True


def test_integers_are_truncated_and_wrapped_like_java() -> None:
    assert validate("Scan", {**TABLE, "Limit": 5.9})["Limit"] == 5
    assert validate("Scan", {**TABLE, "Limit": 4294967301})["Limit"] == 5
    message = validation_message("Scan", {**TABLE, "Limit": 0.5})
    assert message == one_error("'0'", "limit", "Member must have value greater than or equal to 1")
    body = validate(
        "UpdateTable", {**TABLE, "ProvisionedThroughput": {"ReadCapacityUnits": 2.7, "WriteCapacityUnits": 1}}
    )
    assert body["ProvisionedThroughput"] == {"ReadCapacityUnits": 2, "WriteCapacityUnits": 1}


def test_valid_request_comes_back_unchanged() -> None:
    body = {
        **TABLE,
        "Item": {
            "pk": {"S": "a"},
            "n": {"N": "1"},
            "b": {"B": "aGk="},
            "l": {"L": [{"NULL": True}]},
            "m": {"M": {"x": {"SS": ["a", "b"]}}},
        },
        "ReturnValues": "ALL_OLD",
    }
    expected = orjson.loads(orjson.dumps(body))
    assert validate("PutItem", body) == expected


# --- ValidationException: each constraint kind ------------------------------------------------------------


def test_required_member() -> None:
    assert validation_message("DeleteTable", {}) == one_error("null", "tableName", "Member must not be null")


def test_string_length_bounds() -> None:
    assert validation_message("DeleteTable", {"TableName": ""}) == one_error(
        "''", "tableName", "Member must have length greater than or equal to 1"
    )
    index = "a" * 256
    assert validation_message("Query", {**TABLE, "IndexName": index}) == one_error(
        f"'{index}'", "indexName", "Member must have length less than or equal to 255"
    )


def test_string_length_counts_utf16_units_like_java() -> None:
    # 128 emoji are 256 UTF-16 units: too long for an IndexName (max 255) though only 128 characters
    index = "😀" * 128
    message = validation_message("Query", {**TABLE, "IndexName": index})
    too_long = "Member must have length less than or equal to 255"
    assert message == detected(
        error(f"'{index}'", "indexName", PATTERN), error(f"'{index}'", "indexName", too_long)
    )


def test_pattern_then_length_on_one_member() -> None:
    assert validation_message("Query", {**TABLE, "IndexName": "a;"}) == detected(
        error("'a;'", "indexName", PATTERN), error("'a;'", "indexName", MIN_3)
    )


def test_value_bounds() -> None:
    assert validation_message("ListTables", {"Limit": 0}) == one_error(
        "'0'", "limit", "Member must have value greater than or equal to 1"
    )
    assert validation_message("ListTables", {"Limit": 101}) == one_error(
        "'101'", "limit", "Member must have value less than or equal to 100"
    )


def test_enum() -> None:
    assert validation_message("GetItem", {**TABLE, "Key": {}, "ReturnConsumedCapacity": "hi"}) == one_error(
        "'hi'", "returnConsumedCapacity", "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
    )


def test_list_length_and_element_paths() -> None:
    assert validation_message("GetItem", {**TABLE, "Key": {}, "AttributesToGet": []}) == one_error(
        "'[]'", "attributesToGet", "Member must have length greater than or equal to 1"
    )
    statements = {"Statements": [{"Statement": "ok"}, {"Statement": ""}]}
    assert validation_message("BatchExecuteStatement", statements) == one_error(
        "''", "statements.2.member.statement", "Member must have length greater than or equal to 1"
    )
    body = {
        "TableName": "abc",
        "AttributeDefinitions": [{"AttributeName": "b", "AttributeType": "SS"}],
        "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
    }
    assert validation_message("CreateTable", body) == one_error(
        "'SS'", "attributeDefinitions.1.member.attributeType", "Member must satisfy enum value set: [B, N, S]"
    )


def test_list_of_structures_is_rendered_like_aws() -> None:
    body = {
        "TableName": "abc",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
            {"AttributeName": "extra", "KeyType": "RANGE"},
        ],
    }
    elements = [
        "KeySchemaElement(attributeName=pk, keyType=HASH)",
        "KeySchemaElement(attributeName=sk, keyType=RANGE)",
        "KeySchemaElement(attributeName=extra, keyType=RANGE)",
    ]
    assert validation_message("CreateTable", body) == one_error(
        f"'[{', '.join(elements)}]'", "keySchema", "Member must have length less than or equal to 2"
    )


def test_map_entry_paths() -> None:
    body = {**TABLE, "KeyConditions": {"a": {"ComparisonOperator": "EQ"}, "b": {}}}
    assert validation_message("Query", body) == one_error(
        "null", "keyConditions.b.member.comparisonOperator", "Member must not be null"
    )


def test_map_keys_constraint() -> None:
    name = "k" * 65536
    message = validation_message("GetItem", {**TABLE, "Key": {name: {"S": "x"}}})
    assert message.startswith(
        f"1 validation error detected: Value '{{{name}=AttributeValue(s=x, n=null, b=null, "
    )
    assert message.endswith(
        "at 'key' failed to satisfy constraint: Map keys must satisfy constraint: "
        "[Member must have length less than or equal to 65535]"
    )


def test_map_value_constraint() -> None:
    requests = [{"DeleteRequest": {"Key": {"pk": {"S": str(i)}}}} for i in range(26)]
    message = validation_message("BatchWriteItem", {"RequestItems": {"tbl": requests}})
    assert message.startswith(
        "1 validation error detected: Value '{tbl=[WriteRequest(putRequest=null, deleteRequest="
    )
    bounds = (
        "Member must have length less than or equal to 25, Member must have length greater than or equal to 1"
    )
    assert message.endswith(
        f"]}}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [{bounds}]"
    )


def test_map_size() -> None:
    tables = {f"t{i:03}": {"Keys": [{"pk": {"S": "x"}}]} for i in range(101)}
    message = validation_message("BatchGetItem", {"RequestItems": tables})
    assert message.startswith("1 validation error detected: Value '{")
    assert message.endswith(
        "' at 'requestItems' failed to satisfy constraint: Member must have length less than or equal to 100"
    )


# --- several errors: format, order, cap --------------------------------------------------------------------


def test_several_errors_in_aws_order() -> None:
    # AWS's answer to this request, as recorded by dynalite's suite run against DynamoDB
    body = {
        "TableName": "abc;",
        "ReturnConsumedCapacity": "hi",
        "AttributesToGet": [],
        "IndexName": "abc;",
        "Select": "hi",
        "Limit": -1,
        "KeyConditions": {"a": {}, "b": {"ComparisonOperator": ""}},
        "ConditionalOperator": "AN",
        "QueryFilter": {"a": {}, "b": {"ComparisonOperator": ""}},
    }
    operators = "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
    selects = "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"
    expected = [
        error("'hi'", "select", f"Member must satisfy enum value set: {selects}"),
        error("'abc;'", "indexName", PATTERN),
        error("'hi'", "returnConsumedCapacity", "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
        error("null", "queryFilter.a.member.comparisonOperator", NOT_NULL),
        error(
            "''",
            "queryFilter.b.member.comparisonOperator",
            f"Member must satisfy enum value set: {operators}",
        ),
        error("'AN'", "conditionalOperator", "Member must satisfy enum value set: [OR, AND]"),
        error("'[]'", "attributesToGet", MIN_1),
        error("'-1'", "limit", "Member must have value greater than or equal to 1"),
        error("null", "keyConditions.a.member.comparisonOperator", NOT_NULL),
        error(
            "''",
            "keyConditions.b.member.comparisonOperator",
            f"Member must satisfy enum value set: {operators}",
        ),
    ]
    assert validation_message("Query", body) == detected(*expected)


def test_at_most_ten_errors_are_reported() -> None:
    body = {
        "TableName": "abc",
        "AttributeDefinitions": [],
        "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
        "LocalSecondaryIndexes": [{}] * 9,
    }
    message = validation_message("CreateTable", body)
    assert message.startswith(
        "10 validation errors detected: Value null at 'localSecondaryIndexes.1.member.indexName'"
    )
    assert message.count("; ") == 9
    assert message.endswith(
        "Value null at 'localSecondaryIndexes.4.member.indexName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_nested_structure_members_in_aws_order() -> None:
    body = {
        "TableName": "abc",
        "AttributeDefinitions": [],
        "KeySchema": [],
        "ProvisionedThroughput": {"ReadCapacityUnits": -1, "WriteCapacityUnits": -1},
        "BillingMode": "A",
    }
    at_least_1 = "Member must have value greater than or equal to 1"
    assert validation_message("CreateTable", body) == detected(
        error("'A'", "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"),
        error("'[]'", "keySchema", MIN_1),
        error("'-1'", "provisionedThroughput.writeCapacityUnits", at_least_1),
        error("'-1'", "provisionedThroughput.readCapacityUnits", at_least_1),
    )


# --- DynamoDB's own checks around the model ---------------------------------------------------------------


def test_create_table_without_table_name() -> None:
    assert validation_message("CreateTable", {"KeySchema": []}) == (
        "The parameter 'TableName' is required but was not present in the request"
    )


def test_create_table_requires_key_schema_and_attribute_definitions() -> None:
    assert validation_message("CreateTable", {"TableName": "abc"}) == (
        "2 validation errors detected: "
        "Value null at 'keySchema' failed to satisfy constraint: Member must not be null; "
        "Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null"
    )


@pytest.mark.parametrize("operation", ["BatchGetItem", "BatchWriteItem"])
@pytest.mark.parametrize("body", [{}, {"RequestItems": {}}, {"RequestItems": None}])
def test_batch_without_request_items(operation: str, body: dict[str, Any]) -> None:
    assert validation_message(operation, body) == f"The requestItems parameter is required for {operation}"


@pytest.mark.parametrize(
    ("name", "constraints"),
    [
        ("ab", ["Member must have length greater than or equal to 3"]),
        ("a" * 256, ["Member must have length less than or equal to 255"]),
        ("bad table!@#", ["Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"]),
        (
            "a;",
            [
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
                "Member must have length greater than or equal to 3",
            ],
        ),
    ],
)
@pytest.mark.parametrize("operation", ["CreateTable", "DescribeTable", "PutItem"])
def test_table_name_rules(operation: str, name: str, constraints: list[str]) -> None:
    body: dict[str, Any] = {"TableName": name, "AttributeDefinitions": [], "KeySchema": [], "Item": {}}
    if operation == "CreateTable":
        body["KeySchema"] = [{"AttributeName": "a", "KeyType": "HASH"}]
    errors = [f"Value '{name}' at 'tableName' failed to satisfy constraint: {text}" for text in constraints]
    count = len(errors)
    detected = f"{count} validation error{'s' if count > 1 else ''} detected: "
    assert validation_message(operation, body) == detected + "; ".join(errors)


def test_table_name_may_be_an_arn_except_when_creating() -> None:
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/my-table"
    assert validate("DescribeTable", {"TableName": arn}) == {"TableName": arn}
    message = validation_message(
        "CreateTable",
        {
            "TableName": arn,
            "AttributeDefinitions": [],
            "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
        },
    )
    assert message == one_error(
        f"'{arn}'", "tableName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    )


def test_model_constraints_come_before_table_name_rules() -> None:
    assert validation_message("GetItem", {"TableName": "a;"}) == one_error(
        "null", "key", "Member must not be null"
    )


def test_streams_operations_are_validated() -> None:
    assert validation_message("GetRecords", {"ShardIterator": "x", "Limit": 0}) == one_error(
        "'0'", "limit", "Member must have value greater than or equal to 1"
    )


# --- robustness -------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)
member_names = st.sampled_from(
    [
        "TableName",
        "Item",
        "Key",
        "Limit",
        "KeySchema",
        "AttributeDefinitions",
        "ExpressionAttributeValues",
        "KeyConditions",
        "ConsistentRead",
        "Select",
        "S",
        "M",
        "L",
        "B",
        "BOOL",
        "RequestItems",
        "TransactItems",
        "Put",
    ]
)
request_bodies = st.dictionaries(
    member_names, json_values | st.dictionaries(member_names, json_values, max_size=3), max_size=5
)


@settings(max_examples=300, deadline=None)
@given(
    operation=st.sampled_from(["PutItem", "Query", "CreateTable", "BatchWriteItem", "TransactWriteItems"]),
    body=request_bodies,
)
def test_any_json_gets_a_dynamodb_answer(operation: str, body: dict[str, Any]) -> None:
    try:
        result = validate(operation, body)
    except DynamoDBError as error:
        assert isinstance(error, SerializationException | ValidationException)
    else:
        assert isinstance(result, dict)


def test_prepare_builds_every_operation() -> None:
    prepare()
    assert all(known_operation(name) for name in operations())
