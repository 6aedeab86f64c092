"""The dataset as pandas DataFrames, for analysts in notebooks.

    import curator
    data = curator.open("path/to/project")
    data.annotations.groupby("label").size()
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from curator.domain.models import DocumentStatus
from curator.store import Store

if TYPE_CHECKING:  # pandas is imported on first use: it takes half a second
    import pandas as pd


class DatasetTables:
    """The tables of the Excel export (documents, annotations, entities, facts, agreement)
    as DataFrames, read from the project on first use. Call ``close()`` when done."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @cached_property
    def documents(self) -> pd.DataFrame:
        import pandas as pd

        statuses = self.store.statuses()
        rows = [{"id": d.uid, "title": d.title, "source": d.source, "url": d.url,
                 "published": pd.Timestamp(d.published) if d.published else pd.NaT,
                 "status": str(statuses.get(d.id, DocumentStatus.TODO)), "text": d.text}
                for d in self.store.iter_documents()]
        return pd.DataFrame(rows, columns=["id", "title", "source", "url", "published", "status", "text"])

    @cached_property
    def annotations(self) -> pd.DataFrame:
        import pandas as pd

        entities = {e.id: e.name for e in self.store.entities()}
        rows = []
        for document, spans in self.store.iter_documents_with_annotations():
            for span in spans:
                value = span.value or {}
                rows.append({"document": document.uid, "id": span.id, "start": span.start, "end": span.end,
                             "text": document.text[span.start : span.end], "label": span.label,
                             "annotator": span.annotator, "amount": value.get("amount"), "unit": value.get("unit"),
                             "qualifier": value.get("qualifier"), "change": value.get("change"),
                             "date_start": value.get("start"), "date_end": value.get("end"),
                             "entity_id": span.entity_id, "entity": entities.get(span.entity_id)})
        frame = pd.DataFrame(rows)
        if not frame.empty:
            frame["amount"] = pd.to_numeric(frame["amount"])
        return frame

    @cached_property
    def entities(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([{"id": e.id, "name": e.name, "type": e.type, "aliases": e.aliases}
                             for e in self.store.entities()], columns=["id", "name", "type", "aliases"])

    @cached_property
    def facts(self) -> pd.DataFrame:
        import pandas as pd

        from curator.formats.fact_table import fact_rows

        return pd.DataFrame(fact_rows(self.store))

    @cached_property
    def agreement(self) -> pd.DataFrame:
        import pandas as pd

        from curator.analysis.agreement import compute_agreement

        return pd.DataFrame(compute_agreement(self.store).labels)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "DatasetTables":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_dataset(project: str | Path) -> DatasetTables:
    """Open a project (folder or database URL) for reading its tables as DataFrames."""
    return DatasetTables(Store.open(project))
