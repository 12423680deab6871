"""The model families by name, as configuration names them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paths.errors import DomainError
from paths.learning.best_lr import BestLR
from paths.learning.bkt import BKT
from paths.learning.elo import Elo
from paths.learning.mastery import MasteryModel
from paths.learning.pfa import PFA

# BKT predicts held-out learners' answers best on the benchmark (see README, "Personalization").
DEFAULT_MODEL = "bkt"
_FAMILIES: dict[str, type[BKT] | type[Elo] | type[PFA] | type[BestLR]] = {
    "bkt": BKT,
    "elo": Elo,
    "pfa": PFA,
    "best-lr": BestLR,
}
MODEL_NAMES = tuple(_FAMILIES)


def make_model(name: str | None = None) -> MasteryModel:
    """A model of the family `name` (default: DEFAULT_MODEL) with default parameters."""
    name = (name or DEFAULT_MODEL).strip().lower()
    if name in _FAMILIES:
        return _FAMILIES[name]()
    raise DomainError(f"Unknown mastery model {name!r}: choose one of {', '.join(MODEL_NAMES)}.")


def model_from_json(data: Mapping[str, Any]) -> MasteryModel:
    """A model from the JSON written by `params_json()` (e.g. by `flask skills fit`)."""
    name = data.get("model")
    try:
        if isinstance(name, str) and name in _FAMILIES:
            return _FAMILIES[name].from_json(data)
    except TypeError as error:
        raise DomainError(
            f"The {name} parameters are not in the expected form: {error}."
        ) from error
    raise DomainError(f"Unknown mastery model {name!r}: choose one of {', '.join(MODEL_NAMES)}.")
