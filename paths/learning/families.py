"""The model families by name, as configuration names them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paths.errors import DomainError
from paths.learning.bkt import BKT
from paths.learning.elo import Elo
from paths.learning.mastery import MasteryModel

# BKT predicts held-out answers better on the benchmark (see README, "Personalization").
DEFAULT_MODEL = "bkt"
MODEL_NAMES = ("bkt", "elo")


def make_model(name: str | None = None) -> MasteryModel:
    """A model of the family `name` (default: DEFAULT_MODEL) with default parameters."""
    name = (name or DEFAULT_MODEL).strip().lower()
    if name == "bkt":
        return BKT()
    if name == "elo":
        return Elo()
    raise DomainError(f"Unknown mastery model {name!r}: choose one of {', '.join(MODEL_NAMES)}.")


def model_from_json(data: Mapping[str, Any]) -> MasteryModel:
    """A model from the JSON written by `params_json()` (e.g. by `flask skills fit`)."""
    name = data.get("model")
    try:
        if name == "bkt":
            return BKT.from_json(data)
        if name == "elo":
            return Elo.from_json(data)
    except TypeError as error:
        raise DomainError(
            f"The {name} parameters are not in the expected form: {error}."
        ) from error
    raise DomainError(f"Unknown mastery model {name!r}: choose one of {', '.join(MODEL_NAMES)}.")
