"""Two users edit one span at once: the second edit is detected, not silently lost."""

import pytest

from curator.commands import EditSpan
from curator.errors import ConflictError
from curator.models import Annotation, Document
from curator.store import Store


def test_a_stale_edit_is_refused_and_forcing_it_is_a_choice(store):
    doc_id = store.add_documents([Document(uid="d", text="Astana and Beijing")])[0]
    span = store.add_annotation(Annotation(doc_id=doc_id, start=0, end=6, label="ORG", annotator="a"))
    other_user = Store.open(store.location)  # a second connection: another annotator's app
    seen_by_both = other_user.get_annotation(span.id)
    EditSpan(span.id, doc_id, {"label": "LOCATION"}, expected=seen_by_both.updated).apply(other_user)
    with pytest.raises(ConflictError, match="changed by someone else") as conflict:
        EditSpan(span.id, doc_id, {"label": "PERSON"}, expected=span.updated).apply(store)
    assert conflict.value.current.label == "LOCATION"
    assert store.get_annotation(span.id).label == "LOCATION"  # the first edit is kept
    fresh = store.get_annotation(span.id)
    EditSpan(span.id, doc_id, {"label": "PERSON"}, expected=fresh.updated).apply(store)  # after looking: fine
    EditSpan(span.id, doc_id, {"label": "DATE"}).apply(other_user)  # last writer wins only when asked
    assert store.get_annotation(span.id).label == "DATE"
    other_user.close()
