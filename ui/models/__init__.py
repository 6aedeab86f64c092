"""Qt item models over core objects: lists that hold ids or rows and follow the
session's events row by row."""
