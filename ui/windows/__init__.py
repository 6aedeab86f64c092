"""The windows: the main window (documents, article, annotation panel), review, duplicates
and the validation report. Each is given the session, never another window."""
