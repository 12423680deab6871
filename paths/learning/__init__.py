"""The personalization engine: mastery models, placement, recommendation, review scheduling
and self-regulation supports. Pure Python: no web, no LTI, no database session."""
