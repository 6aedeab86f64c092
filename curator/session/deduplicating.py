"""Duplicates across sources, for the windows: the near-duplicate search over articles
(with its threshold and the passages two articles share), the entity variants that
may name one entity, and the key a duplicate decision is kept under."""

from __future__ import annotations

from curator.analysis.duplicates import entity_candidates, pair_key
from curator.analysis.near_duplicates import (
    THRESHOLD,
    search_near_duplicates,
    shared_passages,
)

__all__ = ["THRESHOLD", "entity_candidates", "pair_key", "search_near_duplicates", "shared_passages"]
