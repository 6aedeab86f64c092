"""The trust boundary: every outside format, read and written. Articles (``articles``:
text, JSON, JSONL, CSV, Excel), Curator's dataset (``export``, ``dataset_reader``,
``validate``), the other tools' formats (``labelstudio``, ``doccano``, ``conll``,
``spacy_docbin``, ``prodigy``, ``webanno_tsv``: told apart by ``sniffing``, dispatched by
``interop``) and annotator layer files (``layers``).
Readers trust nothing (``boundary``); writers write only where a file belongs
(``outputs``). Imports no analysis."""

FORMATS = ("json", "jsonl", "xlsx")  # Curator's own exports
TOOL_FORMATS = ("labelstudio", "doccano", "conll", "spacy", "prodigy", "webanno")  # other tools' formats (curator.formats.interop)
