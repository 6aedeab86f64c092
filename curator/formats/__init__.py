"""The trust boundary: every outside format, read and written. Articles (``articles``:
text, JSON, JSONL, CSV, Excel), Curator's dataset (``export``, ``dataset_reader``,
``validate``), the other tools' formats (``labelstudio``, ``doccano``, ``conll``,
``spacy_docbin``, ``prodigy``, ``webanno_tsv``: told apart by ``sniffing``, dispatched by
``interop``) and annotator layer files (``layer_files``).
Readers trust nothing (``boundary``); writers write only where a file belongs
(``outputs``). Imports no analysis."""

# Other tools' formats, read and written (``interop``); what each export format is, and its
# rules, is said once in ``curator.session.exporting``.
TOOL_FORMATS = ("labelstudio", "doccano", "conll", "spacy", "prodigy", "webanno")
IMPORT_FORMATS = (*TOOL_FORMATS, "curator")  # what an import of annotated files reads (--format)
