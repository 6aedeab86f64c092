"""Suggestions (pre-annotations), for the windows: finding them for a document or the
whole project, those still to decide beside the annotator's own spans, and what
accepting or rejecting all of them at once means as one command."""

from __future__ import annotations

from curator.analysis.relation_suggest import suggest_relations
from curator.analysis.suggest import suggest_document, suggest_project, visible
from curator.session.suggestion_decisions import bulk_accept, bulk_reject

__all__ = ["bulk_accept", "bulk_reject", "suggest_document", "suggest_project", "suggest_relations", "visible"]
