"""Which table a tagging request's ResourceArn names, with the error AWS gives for each other form.

Only tables carry tags. Observed on AWS (2025/2026; dynalite's 2017 recordings answered differently:
AccessDeniedException for non-ARNs, "Invalid TableArn" for index ARNs):
- a value not starting with `arn:` (a bare table name): "One or more parameter values were invalid: ARNs
  must start with 'arn:': <value>";
- an ARN of another account: AccessDeniedException "Access is denied";
- an index ARN: "… Invalid resource arn provided, only table or stream is accepted. Provided resource arn:
  <arn>"; a backup ARN: "… Provided Arn is not a DynamoDB resource arn: <arn>"; a stream ARN:
  ResourceNotFoundException (streams carry no tags here);
- an ARN of another region, or whose table name is not a valid name (dynalite): "Invalid TableArn: Invalid
  ResourceArn provided as input <arn>";
- a table ARN of this account and region whose table does not exist: ResourceNotFoundException "Requested
  resource not found: ResourceArn: <arn> not found" (dynalite recorded the older typo "ResourcArn").
No ResourceArn at all is "Invalid TableArn" (dynalite). Not observed, so chosen by analogy: another
partition answers like another region, an ARN of another service or of another DynamoDB resource type like
a backup ARN, and an ARN that does not split into six fields like a bad table name.
"""

from __future__ import annotations

from collections.abc import Callable

from app.errors import AccessDeniedException, ResourceNotFoundException, ValidationException
from app.operations.table_lookup import name_errors
from storage.api import Namespace

INVALID = "One or more parameter values were invalid: "
PARTITION = "aws"


def not_found(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Requested resource not found: ResourceArn: {arn} not found")


def _invalid_table_arn(arn: str) -> ValidationException:
    return ValidationException(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")


def _not_dynamodb(arn: str) -> ValidationException:
    return ValidationException(f"{INVALID}Provided Arn is not a DynamoDB resource arn: {arn}")


def split_arn(arn: str, malformed: Callable[[str], Exception]) -> tuple[str, str, str, str, str]:
    """An ARN's partition, service, region, account and resource; AWS's error for one that does not
    start with `arn:`, and `malformed(arn)` for one without six parts."""
    if not arn.startswith("arn:"):
        raise ValidationException(f"{INVALID}ARNs must start with 'arn:': {arn}")
    parts = arn.split(":", 5)
    if len(parts) != 6:
        raise malformed(arn)
    partition, service, region, account, resource = parts[1:]
    return partition, service, region, account, resource


def tagged_table(arn: str | None, ns: Namespace) -> str:
    """The name of the table `arn` names in namespace `ns` (it may not exist), or AWS's error."""
    if arn is None:
        raise ValidationException("Invalid TableArn")
    partition, service, region, account, resource = split_arn(arn, _invalid_table_arn)
    if service != "dynamodb":
        raise _not_dynamodb(arn)
    if account != ns.account:
        raise AccessDeniedException("Access is denied")
    kind, _, path = resource.partition("/")
    if kind != "table":
        raise _not_dynamodb(arn)
    name, *rest = path.split("/")
    if rest:
        if len(rest) == 2 and rest[0] == "index":
            raise ValidationException(
                f"{INVALID}Invalid resource arn provided, only table or stream is accepted. "
                f"Provided resource arn: {arn}"
            )
        if len(rest) == 2 and rest[0] == "stream":
            raise not_found(arn)
        if len(rest) == 2 and rest[0] == "backup":
            raise _not_dynamodb(arn)
        raise _invalid_table_arn(arn)
    if partition != PARTITION or region != ns.region or name_errors(name, "tableName"):
        raise _invalid_table_arn(arn)
    return name
