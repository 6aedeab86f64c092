"""One text is one text: Unicode forms, clusters and spellings of one identity.

Article text stays byte-identical; names, ids and entity variants are compared in one
normal form (NFC, folded where case does not matter), and word boundaries fall between
clusters, never inside one."""

from __future__ import annotations

import unicodedata

from curator.domain.models import Annotation, Document
from curator.formats.interop import export_interop, import_annotated
from curator.store import Store

NFD_KOELN = unicodedata.normalize("NFD", "Köln")


def test_a_conll_export_never_splits_a_cluster(tmp_path):
    store = Store.create(tmp_path / "p")
    text = f"Talks in {NFD_KOELN} and दिल्ली ended."
    doc = store.add_documents([Document(uid="d", text=text)])[0]
    for word in (NFD_KOELN, "दिल्ली"):
        start = text.index(word)
        store.add_annotation(Annotation(doc_id=doc, start=start, end=start + len(word), label="LOCATION",
                                        annotator="a"))
    target = tmp_path / "out.conll"
    export_interop(store, target, "conll", "a")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert f"{NFD_KOELN} B-LOCATION" in lines and "दिल्ली B-LOCATION" in lines
    again = Store.create(tmp_path / "q")
    import_annotated(again, target, "conll")
    (document, spans), = again.iter_documents_with_annotations()
    assert sorted(document.text[s.start:s.end] for s in spans) == sorted([NFD_KOELN, "दिल्ली"])
    assert "Ko \u0308 ln" not in document.text
