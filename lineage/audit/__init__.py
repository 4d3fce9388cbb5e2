"""Disclosure audit (placeholder; the rules land in the next commit)."""
