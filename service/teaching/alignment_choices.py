"""What the path editor's alignment section shows (kept apart from the alignment views,
which use the editor's helpers)."""

from __future__ import annotations

from typing import Any

from flask import request, session

from paths.authoring import PathDraft, skills_of
from paths.competencies.alignments import competency_for, find_competencies
from service.extensions import db_session


def editor_context(draft: PathDraft) -> dict[str, Any]:
    """What the editor's alignment section shows: the draft's alignments with their
    competency, the path's skills, and the competencies matching `?find=`."""
    tenant_id = session["tenant_id"]
    finding = request.args.get("find", "")[:200]
    current = [(a, competency_for(db_session(), a, tenant_id)) for a in draft.alignments]
    return {
        "alignments": current,
        "path_skills": skills_of(draft),
        "finding": finding,
        "choices": find_competencies(db_session(), tenant_id, finding),
    }
