"""The stored file signature: an update tells unchanged files by it without decoding it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from search.model import FileSig
from search.store.schema import decode_signature, encode_signature, signature_unchanged

SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"


def unchanged_by_its_fields(raw: bytes, new: FileSig) -> bool:
    """The rule spelled out on the decoded fields: size and mtime agree, and inode and
    ctime agree unless the stored ones are unknown (0)."""
    old, _sha1 = decode_signature(raw)
    if (old.size, old.mtime_ns) != (new.size, new.mtime_ns):
        return False
    if old.ino == 0 and old.ctime_ns == 0:
        return True
    return (old.ino, old.ctime_ns) == (new.ino, new.ctime_ns)


def test_the_same_file_is_unchanged() -> None:
    sig = FileSig(4871, 1_764_781_234_123_456_789, 12_345_678, 1_764_781_234_987_654_321)
    assert signature_unchanged(encode_signature(sig, SHA1), sig)


def test_any_field_that_moved_is_a_change() -> None:
    sig = FileSig(4871, 1_764_781_234, 77, 1_764_781_299)
    raw = encode_signature(sig, SHA1)
    assert not signature_unchanged(raw, FileSig(4872, 1_764_781_234, 77, 1_764_781_299))
    assert not signature_unchanged(raw, FileSig(4871, 1_764_781_235, 77, 1_764_781_299))
    assert not signature_unchanged(raw, FileSig(4871, 1_764_781_234, 78, 1_764_781_299))  # inode
    assert not signature_unchanged(raw, FileSig(4871, 1_764_781_234, 77, 1_764_781_300))  # ctime


def test_digits_are_not_borrowed_across_fields() -> None:
    stored = encode_signature(FileSig(12, 3, 45, 6), SHA1)  # "12:3:<sha1>:45:6"
    assert not signature_unchanged(stored, FileSig(1, 23, 45, 6))
    assert not signature_unchanged(stored, FileSig(12, 3, 4, 56))


def test_unknown_inode_and_ctime_are_trusted() -> None:
    new = FileSig(10, 20, 30, 40)
    assert signature_unchanged(f"10:20:{SHA1}".encode(), new)  # an older index's three fields
    assert signature_unchanged(encode_signature(FileSig(10, 20, 0, 0), SHA1), new)
    assert not signature_unchanged(f"10:21:{SHA1}".encode(), new)


small = st.integers(min_value=0, max_value=120)
big = st.integers(min_value=0, max_value=2**63)


@given(
    old=st.builds(FileSig, small | big, small | big, small | big, small | big),
    new=st.builds(FileSig, small | big, small | big, small | big, small | big),
    three_fields=st.booleans(),
)
def test_it_agrees_with_the_rule_on_the_decoded_fields(
    old: FileSig, new: FileSig, three_fields: bool
) -> None:
    raw = (
        f"{old.size}:{old.mtime_ns}:{SHA1}".encode()
        if three_fields
        else encode_signature(old, SHA1)
    )
    assert signature_unchanged(raw, new) == unchanged_by_its_fields(raw, new)
    assert signature_unchanged(raw, old)
