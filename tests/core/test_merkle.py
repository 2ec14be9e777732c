"""OPEN-5: the Merkle inclusion proofs behind the published daily audit
roots — every leaf of every tree size proves, and any change to the leaf,
its position, the path or the root is caught."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kraya.core import merkle


def leaves(n: int) -> list[bytes]:
    return [f"event-{i}".encode() for i in range(n)]


def test_every_leaf_of_trees_up_to_33_proves_its_inclusion() -> None:
    for size in range(1, 34):
        data = leaves(size)
        top = merkle.root(data)
        for index in range(size):
            path = merkle.inclusion_path(data, index)
            assert merkle.verify_inclusion(data[index], index, size, path, top)
            assert len(path) <= size.bit_length()


def test_the_rfc6962_shape_for_three_leaves() -> None:
    a, b, c = (merkle.leaf_hash(x) for x in leaves(3))
    assert merkle.root(leaves(3)) == merkle.node_hash(merkle.node_hash(a, b), c)


@given(st.integers(2, 200), st.data())
def test_a_changed_leaf_position_path_or_root_fails(size: int, data: st.DataObject) -> None:
    items = leaves(size)
    index = data.draw(st.integers(0, size - 1))
    path = merkle.inclusion_path(items, index)
    top = merkle.root(items)
    assert merkle.verify_inclusion(items[index], index, size, path, top)
    assert not merkle.verify_inclusion(b"forged", index, size, path, top)
    other = (index + 1) % size
    assert not merkle.verify_inclusion(items[index], other, size, path, top)
    if path:
        broken = [*path[:-1], bytes(32)]
        assert not merkle.verify_inclusion(items[index], index, size, broken, top)
    assert not merkle.verify_inclusion(items[index], index, size, path, bytes(32))
