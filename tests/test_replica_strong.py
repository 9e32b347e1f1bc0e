"""Unit tests of replica_strong's request rules and replica_specs' MRSC description (AWS's order of checks
as measured by ack-api-quirks: the replica count before the regions, the regions before the witness's)."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import ValidationException
from app.operations.replica_rules import CREATE, DELETE, ReplicaAction
from app.operations.replica_specs import strong_description
from app.operations.replica_strong import StrongRequest, check_strong_actions, check_strong_request


def creates(*regions: str) -> list[ReplicaAction]:
    return [ReplicaAction(CREATE, region, {"RegionName": region}) for region in regions]


def message(strong: StrongRequest, actions: list[ReplicaAction], local: str = "us-east-1") -> str:
    with pytest.raises(ValidationException) as raised:
        check_strong_actions(strong, actions, local)
    return str(raised.value.message)


def test_count_comes_before_regions_and_regions_before_the_witness() -> None:
    assert message(StrongRequest("STRONG"), creates("us-west-1")).startswith("Unsupported replica count")
    both = StrongRequest("STRONG", witness_creates=("us-west-1",))
    assert message(both, creates("us-west-1")).endswith("STRONG: [us-west-1].")
    assert message(StrongRequest("STRONG", ("us-east-2",)), creates("us-east-2")) == (
        "Cannot target multiple regions with the same action"
    )
    assert message(StrongRequest("STRONG", ("us-east-1",)), creates("us-east-2")).startswith(
        "Cannot add a witness in the same region"
    )


def test_a_witness_needs_strong_and_strong_needs_creates() -> None:
    assert message(StrongRequest(None, ("us-west-2",)), creates("us-east-2")).startswith(
        "MultiRegionConsistency must be set as STRONG"
    )
    deletes = [ReplicaAction(DELETE, "us-east-2", {"RegionName": "us-east-2"})]
    assert message(StrongRequest("EVENTUAL"), deletes).startswith("Only Replica Create actions")


def test_accepted_shapes() -> None:
    check_strong_actions(StrongRequest("STRONG"), creates("us-east-2", "us-west-2"), "us-east-1")
    check_strong_actions(StrongRequest("STRONG", ("us-west-2",)), creates("eu-west-1"), "us-east-1")
    check_strong_actions(StrongRequest("EVENTUAL"), creates("us-west-1"), "us-east-1")  # an MREC create
    assert StrongRequest("STRONG").many() == {CREATE, DELETE}
    assert StrongRequest(None).many() == {DELETE}


def test_other_members_are_refused_with_witnesses() -> None:
    request: dict[str, Any] = {"GlobalTableWitnessUpdates": [{"Create": {"RegionName": "us-west-2"}}]}
    with pytest.raises(ValidationException):
        check_strong_request(request, {"ReplicaUpdates", "DeletionProtectionEnabled"})
    assert check_strong_request(request, {"ReplicaUpdates"}).witness_creates == ("us-west-2",)
    # MultiRegionConsistency without replica changes changes nothing and refuses nothing.
    assert not check_strong_request({"MultiRegionConsistency": "STRONG"}, {"BillingMode"}).witness_creates


def test_witness_statuses() -> None:
    state = {"consistency": "STRONG", "witness": "us-west-2", "witness_ready": 10.0}
    spec: dict[str, Any] = {"replica": state}
    assert strong_description(spec, 5.0)["GlobalTableWitnesses"][0]["WitnessStatus"] == "CREATING"
    assert strong_description(spec, 10.0)["GlobalTableWitnesses"][0]["WitnessStatus"] == "ACTIVE"
    spec["replica"] = {**state, "witness_until": 20.0}
    assert strong_description(spec, 15.0)["GlobalTableWitnesses"][0]["WitnessStatus"] == "DELETING"
    assert strong_description(spec, 20.0) == {"MultiRegionConsistency": "STRONG"}
    assert strong_description({"replica": {}}, 0.0) == {}
