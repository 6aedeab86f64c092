"""Curator's PySide6 desktop application: a thin layer over the ``curator`` core."""
