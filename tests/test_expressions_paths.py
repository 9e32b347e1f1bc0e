"""The path tree of projections and updates: DynamoDB's child order (a Java HashMap of path elements),
which shows in overlap messages and in the order an update visits its actions.

The messages were recorded from the reference, DynamoDB Local 3.3, with GetItem's ProjectionExpression.
"""

from __future__ import annotations

import pytest

from app.errors import ValidationException
from app.expressions.ast import AttributePath
from app.expressions.kinds import ExpressionKind
from app.expressions.paths import PathTrie, java_map_order

OVERLAP = (
    "Invalid ProjectionExpression: Two document paths overlap with each other; "
    "must remove or rewrite one of these paths; "
)


def trie_of(*paths: tuple[str | int, ...]) -> PathTrie:
    trie = PathTrie()
    for path in paths:
        trie.add(AttributePath(path), ExpressionKind.PROJECTION)
    return trie


def collision(trie: PathTrie, path: tuple[str | int, ...]) -> str:
    with pytest.raises(ValidationException) as raised:
        trie.add(AttributePath(path), ExpressionKind.PROJECTION)
    return raised.value.message


def test_java_map_order() -> None:
    # Buckets of hash(8191 * 127 + String.hashCode()), spread and masked by the table size.
    assert java_map_order(["a", "z"]) == ["z", "a"]
    assert java_map_order(["b", "c"]) == ["c", "b"]
    assert java_map_order([3, 20]) == [20, 3]
    # The table grows past 12 entries, which reorders them.
    letters = [chr(code) for code in range(ord("a"), ord("s"))]
    assert java_map_order(letters)[0] == "n"
    assert java_map_order(letters[:12])[0] != "n"


def test_path_two_is_the_first_branch_in_map_order() -> None:
    # Adding the path again, DynamoDB names the node's first branch, which may be another path.
    assert (
        collision(trie_of(("l", 3), ("l", 20)), ("l", 3))
        == OVERLAP + "path one: [l, [3]], path two: [l, [20]]"
    )
    letters = [(chr(code),) for code in range(ord("a"), ord("s"))]
    assert collision(trie_of(*letters), ("a",)) == OVERLAP + "path one: [a], path two: [n]"
    assert collision(trie_of(("a", "c"), ("a", "b")), ("a",)) == OVERLAP + "path one: [a], path two: [a, c]"
    assert collision(trie_of(("a",)), ("a", "b", "c")) == OVERLAP + "path one: [a, b, c], path two: [a]"


def test_conflict() -> None:
    assert collision(trie_of(("x", 1)), ("x", "b")) == (
        "Invalid ProjectionExpression: Two document paths conflict with each other; "
        "must remove or rewrite one of these paths; path one: [x, b], path two: [x, [1]]"
    )


def test_leaves_in_visiting_order() -> None:
    trie = trie_of(("a", "b", "c"), ("z",), ("a", "x"), ("l", 3), ("l", 20))
    # Depth first, children in map order: l before z before a (on the reference, `SET z = zz, l[20].x
    # = :v` on an empty item reports the invalid path of l, not the missing zz).
    assert list(trie.leaves()) == [("l", 20), ("l", 3), ("z",), ("a", "x"), ("a", "b", "c")]
