"""Drops: folders of fresh data with a manifest, checked for completeness before use."""

from statcheck.drops.manifest import Drop, DropFile, read_drop

__all__ = ["Drop", "DropFile", "read_drop"]
