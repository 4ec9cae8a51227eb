"""The source kinds config may name. sources/kinds.py fills this when a kind registers its
reader (the built-ins register themselves the same way), so settings, which sits below the
sources room, checks `kind` against the real registry without importing it."""

from __future__ import annotations

SOURCE_KINDS: set[str] = set()


def known_kinds() -> tuple[str, ...]:
    return tuple(sorted(SOURCE_KINDS))
