"""The statements that create a new project's tables on SQLite, as SQLAlchemy renders
them from the tables (``tables.py``, and Alembic's version table), at revision REVISION.

Written by ``python -m curator.store.create``, which writes it again after the tables
change; a test holds it to them. Not to be edited by hand."""

REVISION = '0012'

STATEMENTS = (
    ('CREATE TABLE attributions (\n'
     '\tannotation_id VARCHAR(64) NOT NULL, \n'
     '\tattribution TEXT NOT NULL, \n'
     '\tPRIMARY KEY (annotation_id)\n'
     ')'),
    ('CREATE TABLE decisions (\n'
     '\t"key" VARCHAR(300) NOT NULL, \n'
     '\tkind VARCHAR(20) NOT NULL, \n'
     '\tdecision VARCHAR(40) NOT NULL, \n'
     '\tkeep VARCHAR(200), \n'
     '\tnote TEXT, \n'
     '\tcreated DATETIME NOT NULL, \n'
     '\tPRIMARY KEY ("key")\n'
     ')'),
    ('CREATE TABLE documents (\n'
     '\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n'
     '\tuid VARCHAR(200) NOT NULL, \n'
     '\ttitle TEXT, \n'
     '\tsource VARCHAR(300), \n'
     '\turl TEXT, \n'
     '\tpublished DATE, \n'
     '\ttext TEXT NOT NULL, \n'
     '\torigin TEXT, \n'
     '\textra JSON NOT NULL, \n'
     '\tcreated DATETIME NOT NULL, \n'
     '\tsearch TEXT, \n'
     '\tUNIQUE (uid)\n'
     ')'),
    'CREATE INDEX ix_documents_published ON documents (published)',
    'CREATE INDEX ix_documents_search ON documents (search)',
    'CREATE INDEX ix_documents_source ON documents (source)',
    'CREATE INDEX ix_documents_title ON documents (title)',
    ('CREATE TABLE entities (\n'
     '\tid VARCHAR(64) NOT NULL, \n'
     '\tname VARCHAR(300) NOT NULL, \n'
     '\ttype VARCHAR(40) NOT NULL, \n'
     '\taliases JSON NOT NULL, \n'
     '\tPRIMARY KEY (id)\n'
     ')'),
    'CREATE INDEX ix_entities_name ON entities (name)',
    ('CREATE TABLE facts (\n'
     '\tid VARCHAR(64) NOT NULL, \n'
     '\tsubject TEXT NOT NULL, \n'
     '\tmeasure VARCHAR(200) NOT NULL, \n'
     '\tperiod_start DATE, \n'
     '\tperiod_end DATE, \n'
     '\tunit VARCHAR(20), \n'
     '\taccepted_amount VARCHAR(60), \n'
     '\tnote TEXT, \n'
     '\tmentions JSON NOT NULL, \n'
     '\tcreated DATETIME NOT NULL, \n'
     '\tsubjects JSON, \n'
     '\tattribution TEXT, \n'
     '\tPRIMARY KEY (id)\n'
     ')'),
    ('CREATE TABLE history (\n'
     '\tseq INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n'
     '\tannotator VARCHAR(100) NOT NULL, \n'
     '\tlabel VARCHAR(300) NOT NULL, \n'
     '\tdoc_id INTEGER NOT NULL, \n'
     '\tundo JSON NOT NULL, \n'
     '\tredo JSON NOT NULL, \n'
     '\tdone BOOLEAN NOT NULL, \n'
     '\tcreated DATETIME NOT NULL\n'
     ')'),
    'CREATE INDEX ix_history_annotator_seq ON history (annotator, done, seq)',
    ('CREATE TABLE measures (\n'
     '\tname VARCHAR(200) NOT NULL, \n'
     '\tposition INTEGER NOT NULL, \n'
     '\twords JSON NOT NULL, \n'
     '\tPRIMARY KEY (name)\n'
     ')'),
    ('CREATE TABLE meta (\n'
     '\t"key" VARCHAR(200) NOT NULL, \n'
     '\tvalue TEXT NOT NULL, \n'
     '\tPRIMARY KEY ("key")\n'
     ')'),
    ('CREATE TABLE recommenders (\n'
     '\tname VARCHAR(100) NOT NULL, \n'
     '\tcreated DATETIME NOT NULL, \n'
     '\tinfo JSON NOT NULL, \n'
     '\tmodel BLOB NOT NULL, \n'
     '\tPRIMARY KEY (name)\n'
     ')'),
    ('CREATE TABLE annotations (\n'
     '\tid VARCHAR(64) NOT NULL, \n'
     '\tdoc_id INTEGER NOT NULL, \n'
     '\tstart INTEGER NOT NULL, \n'
     '\t"end" INTEGER NOT NULL, \n'
     '\tlabel VARCHAR(40) NOT NULL, \n'
     '\tannotator VARCHAR(100) NOT NULL, \n'
     '\tcreated DATETIME NOT NULL, \n'
     '\tupdated DATETIME NOT NULL, \n'
     '\tvalue JSON, \n'
     '\tentity_id VARCHAR(64), \n'
     '\tPRIMARY KEY (id), \n'
     '\tFOREIGN KEY(doc_id) REFERENCES documents (id) ON DELETE CASCADE\n'
     ')'),
    'CREATE INDEX ix_annotations_doc_annotator ON annotations (doc_id, annotator)',
    'CREATE INDEX ix_annotations_doc_updated ON annotations (doc_id, updated)',
    'CREATE UNIQUE INDEX ux_annotations_span ON annotations (doc_id, annotator, start, "end", label)',
    ('CREATE TABLE categories (\n'
     '\tdoc_id INTEGER NOT NULL, \n'
     '\tannotator VARCHAR(100) NOT NULL, \n'
     '\tset_name VARCHAR(40) NOT NULL, \n'
     '\tchoices JSON NOT NULL, \n'
     '\tupdated DATETIME NOT NULL, \n'
     '\tPRIMARY KEY (doc_id, annotator, set_name), \n'
     '\tFOREIGN KEY(doc_id) REFERENCES documents (id) ON DELETE CASCADE\n'
     ')'),
    ('CREATE TABLE progress (\n'
     '\tdoc_id INTEGER NOT NULL, \n'
     '\tannotator VARCHAR(100) NOT NULL, \n'
     '\tstatus VARCHAR(20) NOT NULL, \n'
     '\tupdated DATETIME NOT NULL, \n'
     '\tPRIMARY KEY (doc_id, annotator), \n'
     '\tFOREIGN KEY(doc_id) REFERENCES documents (id) ON DELETE CASCADE\n'
     ')'),
    ('CREATE TABLE review_items (\n'
     '\tdoc_id INTEGER NOT NULL, \n'
     '\tfingerprint VARCHAR(200) NOT NULL, \n'
     '\titems JSON NOT NULL, \n'
     '\tPRIMARY KEY (doc_id), \n'
     '\tFOREIGN KEY(doc_id) REFERENCES documents (id) ON DELETE CASCADE\n'
     ')'),
    ('CREATE TABLE reviews (\n'
     '\t"key" VARCHAR(200) NOT NULL, \n'
     '\tdoc_id INTEGER NOT NULL, \n'
     '\tstart INTEGER NOT NULL, \n'
     '\t"end" INTEGER NOT NULL, \n'
     '\tdecision VARCHAR(60) NOT NULL, \n'
     '\tgold_ids JSON NOT NULL, \n'
     '\treviewer VARCHAR(100) NOT NULL, \n'
     '\tcreated DATETIME NOT NULL, \n'
     '\tPRIMARY KEY ("key"), \n'
     '\tFOREIGN KEY(doc_id) REFERENCES documents (id) ON DELETE CASCADE\n'
     ')'),
    'CREATE INDEX ix_reviews_doc ON reviews (doc_id)',
    ('CREATE TABLE suggestions (\n'
     '\tid VARCHAR(64) NOT NULL, \n'
     '\tdoc_id INTEGER NOT NULL, \n'
     '\tstart INTEGER NOT NULL, \n'
     '\t"end" INTEGER NOT NULL, \n'
     '\tlabel VARCHAR(40) NOT NULL, \n'
     '\tannotator VARCHAR(100) NOT NULL, \n'
     '\tsource VARCHAR(40) NOT NULL, \n'
     '\tstatus VARCHAR(20) NOT NULL, \n'
     '\tvalue JSON, \n'
     '\tentity_id VARCHAR(64), \n'
     '\tannotation_id VARCHAR(64), \n'
     '\tconfidence FLOAT, \n'
     '\tPRIMARY KEY (id), \n'
     '\tFOREIGN KEY(doc_id) REFERENCES documents (id) ON DELETE CASCADE\n'
     ')'),
    'CREATE INDEX ix_suggestions_doc_annotator ON suggestions (doc_id, annotator)',
    'CREATE UNIQUE INDEX ux_suggestions_span ON suggestions (doc_id, annotator, start, "end", label)',
    ('CREATE TABLE relation_suggestions (\n'
     '\tid VARCHAR(64) NOT NULL, \n'
     '\tdoc_id INTEGER NOT NULL, \n'
     '\tsource_id VARCHAR(64) NOT NULL, \n'
     '\ttarget_id VARCHAR(64) NOT NULL, \n'
     '\tlabel VARCHAR(40) NOT NULL, \n'
     '\tannotator VARCHAR(100) NOT NULL, \n'
     '\tsource VARCHAR(40) NOT NULL, \n'
     '\tstatus VARCHAR(20) NOT NULL, \n'
     '\trelation_id VARCHAR(64), \n'
     '\tPRIMARY KEY (id), \n'
     '\tFOREIGN KEY(doc_id) REFERENCES documents (id) ON DELETE CASCADE, \n'
     '\tFOREIGN KEY(source_id) REFERENCES annotations (id) ON DELETE CASCADE, \n'
     '\tFOREIGN KEY(target_id) REFERENCES annotations (id) ON DELETE CASCADE\n'
     ')'),
    'CREATE INDEX ix_relation_suggestions_doc_annotator ON relation_suggestions (doc_id, annotator)',
    'CREATE INDEX ix_relation_suggestions_target ON relation_suggestions (target_id)',
    'CREATE UNIQUE INDEX ux_relation_suggestions_link ON relation_suggestions (source_id, target_id, label)',
    ('CREATE TABLE relations (\n'
     '\tid VARCHAR(64) NOT NULL, \n'
     '\tdoc_id INTEGER NOT NULL, \n'
     '\tsource_id VARCHAR(64) NOT NULL, \n'
     '\ttarget_id VARCHAR(64) NOT NULL, \n'
     '\tlabel VARCHAR(40) NOT NULL, \n'
     '\tannotator VARCHAR(100) NOT NULL, \n'
     '\tcreated DATETIME NOT NULL, \n'
     '\tPRIMARY KEY (id), \n'
     '\tFOREIGN KEY(doc_id) REFERENCES documents (id) ON DELETE CASCADE, \n'
     '\tFOREIGN KEY(source_id) REFERENCES annotations (id) ON DELETE CASCADE, \n'
     '\tFOREIGN KEY(target_id) REFERENCES annotations (id) ON DELETE CASCADE\n'
     ')'),
    'CREATE INDEX ix_relations_doc_annotator ON relations (doc_id, annotator)',
    'CREATE INDEX ix_relations_target ON relations (target_id)',
    'CREATE UNIQUE INDEX ux_relations_link ON relations (source_id, target_id, label)',
    ('CREATE TABLE alembic_version (\n'
     '\tversion_num VARCHAR(32) NOT NULL, \n'
     '\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n'
     ')'),
)
