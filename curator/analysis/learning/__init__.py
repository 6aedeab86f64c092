"""Suggestions that learn from the curators: a recommender trained on the project's own
annotations (``recommender``, over a CRF in ``sequence_tagger`` with the features of
``features``), kept in the project, trained in a process of its own (``training``),
whose suggestions join the suggestion layer with a confidence (``learned_suggestions``);
what it learns from (``training_data``), how well it does (``evaluation``), which
document it is least sure of (``active_learning``), and suggestions from outside
models and files (``preannotations``)."""
