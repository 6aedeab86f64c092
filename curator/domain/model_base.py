"""The base of the domain's pydantic models: each model's validator is built the first
time the model is used, not when its module is imported. A command loads every model
with the store, yet uses a few (an article import: the project's settings), and building
them all took about a third of the models' import (about 35 ms of every command's start)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """A domain model (``pydantic.BaseModel``), its validator built on first use."""

    model_config = ConfigDict(defer_build=True)


DEFERRED = ConfigDict(defer_build=True)  # for a module's ``TypeAdapter``, built on first use too


def error_text(error: dict) -> str:
    """What one of a ``ValidationError``'s errors says, in our words: a check of ours
    ("unknown label 'EVENT'") without pydantic's "Value error, " before it."""
    return str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
