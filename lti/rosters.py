"""The course roster from the LMS (NRPS), cached per course and refreshed on request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from lti.ags_http import LmsRefused, LmsUnavailable
from lti.ags_token import AccessTokens
from lti.grade_queue import platform_auth
from lti.keys import SigningKey
from lti.models import CourseRoster, Platform
from lti.nrps import RosterMember, read_roster
from lti.outbound import Outbound
from paths.dashboard import RosterMember as ClassMember
from paths.dashboard import class_roster
from paths.db import insert_or_get
from paths.enrollment import Assignment


def remember_roster_address(
    session: Session, course_id: int, platform_id: int, memberships_url: str
) -> None:
    """Keep the course's NRPS address from a launch (only written when it changes). Two
    teachers' first launches may race: the roster is inserted once."""
    roster = session.get(CourseRoster, course_id)
    if roster is None:
        roster = insert_or_get(
            session,
            CourseRoster,
            {
                "course_id": course_id,
                "platform_id": platform_id,
                "memberships_url": memberships_url,
                "members": [],
            },
            ["course_id"],
        )
    if (roster.memberships_url, roster.platform_id) != (memberships_url, platform_id):
        roster.memberships_url, roster.platform_id = memberships_url, platform_id


def refresh_roster(
    session: Session,
    course_id: int,
    *,
    http: Outbound,
    tokens: AccessTokens,
    key: SigningKey,
    timeout: float,
    now: datetime,
) -> CourseRoster | None:
    """Read the whole roster from the LMS now; a failure is kept as `last_error`."""
    roster = session.get(CourseRoster, course_id)
    if roster is None:
        return None
    platform = session.get(Platform, roster.platform_id)
    assert platform is not None
    try:
        members = read_roster(
            http, tokens, platform_auth(platform), key, roster.memberships_url, timeout=timeout
        )
    except (LmsRefused, LmsUnavailable) as error:
        roster.last_error = str(error)
        return roster
    roster.members = [m.to_dict() for m in members]
    roster.fetched_at, roster.last_error = now, None
    return roster


def lms_learners(session: Session, course_id: int | None) -> list[RosterMember]:
    """Active learners the LMS lists for the course (empty before the first read)."""
    roster = session.get(CourseRoster, course_id) if course_id is not None else None
    if roster is None:
        return []
    return [
        m
        for m in (RosterMember(**raw) for raw in roster.members)
        if m.role == "learner" and m.status == "Active"
    ]


def class_members(
    session: Session, course_id: int | None, assignment: Assignment
) -> list[ClassMember]:
    """The class for the dashboard: learners who opened Selfpath, and those the LMS lists
    who never did (they show as not started)."""
    members = class_roster(session, course_id, assignment)
    known = {m.subject for m in members}
    return members + [
        ClassMember(m.user_id, m.name)
        for m in lms_learners(session, course_id)
        if m.user_id not in known
    ]
