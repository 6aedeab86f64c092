"""Reviewing, for the windows: the items where annotators' versions differ or agree
(spans and category choices), what sets each version apart, what settling an item
means as a command (accept a version, merge, reject, settle with edits, accept all
agreements or single annotators' work), and the agreement figures with what each means; relations' items, decisions and agreement too."""

from __future__ import annotations

from curator.analysis.agreement import (
    EXPLANATIONS,
    AgreementReport,
    compute_agreement,
    figure_text,
)
from curator.analysis.relation_agreement import relation_agreement
from curator.analysis.relation_review import RelationItem, relation_items
from curator.analysis.review import (
    CategoryItem,
    ReviewItem,
    category_items,
    items_for,
    iter_items,
    span_differences,
)
from curator.session.relation_decisions import accept_agreed_relations, settle_relation
from curator.session.review_decisions import (
    accept_agreements,
    accept_single,
    accept_version,
    merge_versions,
    reject_item,
    settle_category,
    settle_with,
)

__all__ = ["EXPLANATIONS", "AgreementReport", "CategoryItem", "RelationItem", "ReviewItem", "accept_agreed_relations",
           "accept_agreements", "accept_single", "accept_version", "category_items", "compute_agreement", "figure_text",
           "items_for", "iter_items", "merge_versions", "reject_item", "relation_agreement", "relation_items",
           "settle_category", "settle_relation", "settle_with", "span_differences"]
