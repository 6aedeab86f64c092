"""The domain: documents, spans and their labels, entities and facts (``models``,
``schema``), normalized values (``values``, ``figures``, ``dates``, ``normalize``), text
(``text``: word snapping, folding), article metadata (``metadata``; ``header``, the
leading ``date 2023-11-07`` metadata before the body), people's names
(``names``) and the exported dataset's model (``dataset``). Imports no storage."""
