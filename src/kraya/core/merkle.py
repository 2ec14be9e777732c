"""A Merkle tree over a day's audit event hashes (OPEN-5), as Certificate
Transparency builds one (RFC 6962, §2.1): leaves and inner nodes hashed with
different prefixes, the tree split at the largest power of two below its
size. An inclusion proof is the list of sibling hashes from the leaf to the
root, so anyone holding an event can check, with log2(n) hashes, that it is
in the day whose root Kraya published. Pure Python (no Django)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two strictly below `size` (size ≥ 2)."""
    k = 1
    while k * 2 < size:
        k *= 2
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of `leaves` (their data, not yet leaf-hashed)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = _split(len(leaves))
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_path(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf `index`: sibling hashes, from the leaf upward."""
    if not 0 <= index < len(leaves):
        raise IndexError("no such leaf")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_path(leaves[:k], index), root(leaves[k:])]
    return [*inclusion_path(leaves[k:], index - k), root(leaves[:k])]


def verify_inclusion(
    data: bytes, index: int, size: int, path: Sequence[bytes], expected_root: bytes
) -> bool:
    """Whether leaf `data` at `index` of a tree of `size` leaves, with `path`,
    hashes to `expected_root` (RFC 9162, §2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    current = leaf_hash(data)
    for sibling in path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            current = node_hash(sibling, current)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            current = node_hash(current, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and current == expected_root
