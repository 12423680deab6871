"""The personalization engine: mastery models, placement, recommendation, review scheduling
and self-regulation supports. Pure Python: no web, no LTI, no database session."""

from paths.learning.bkt import BKT, BKTParams
from paths.learning.elo import Elo, EloParams
from paths.learning.families import DEFAULT_MODEL, MODEL_NAMES, make_model, model_from_json
from paths.learning.mastery import MASTERED_AT, MasteryModel, Response, SkillState, replay
from paths.learning.placement import Placement, PlacementResult
from paths.learning.recommend import (
    REASON_TEXT_EN,
    GraphStep,
    PathGraph,
    PathGraphError,
    Recommendation,
    Snapshot,
    available_steps,
    prerequisites_left,
    recommend,
    steps_to_test_out,
)
from paths.learning.review import (
    Grade,
    ReviewCard,
    due_reviews,
    grade_for_score,
    new_card,
    retrievability,
    review,
)
from paths.learning.selfreg import Calibration, SkillEvidence, calibration, explain

__all__ = [
    "BKT",
    "BKTParams",
    "DEFAULT_MODEL",
    "Elo",
    "EloParams",
    "MASTERED_AT",
    "MODEL_NAMES",
    "REASON_TEXT_EN",
    "Calibration",
    "Grade",
    "GraphStep",
    "MasteryModel",
    "PathGraph",
    "PathGraphError",
    "Placement",
    "PlacementResult",
    "Recommendation",
    "Response",
    "ReviewCard",
    "SkillEvidence",
    "SkillState",
    "Snapshot",
    "available_steps",
    "calibration",
    "due_reviews",
    "explain",
    "grade_for_score",
    "make_model",
    "model_from_json",
    "new_card",
    "prerequisites_left",
    "recommend",
    "replay",
    "retrievability",
    "review",
    "steps_to_test_out",
]
