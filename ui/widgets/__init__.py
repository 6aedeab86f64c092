"""Widgets the windows are built of: the article view, the annotation panel, the value
editor, the agreement chart, table helpers."""
