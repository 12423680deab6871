"""LTI roles mapped to what Selfpath lets a person do in a course.

Context (course) roles outrank institution and system roles: a school administrator
who is enrolled as a learner in a course is a learner there.
"""

from __future__ import annotations

from collections.abc import Iterable

from paths.people import ADMIN, LEARNER, TEACHER

_VOCAB = "http://purl.imsglobal.org/vocab/"
_CONTEXT = _VOCAB + "lis/v2/membership#"
_INSTITUTION = _VOCAB + "lis/v2/institution/person#"
_SYSTEM = _VOCAB + "lis/v2/system/person#"

_CONTEXT_TEACHING = {"Instructor", "TeachingAssistant", "ContentDeveloper", "Administrator"}
# Mentors (observers) get no teacher rights; they are treated with a learner's access.
_CONTEXT_LEARNING = {"Learner", "Mentor"}


def _split(roles: Iterable[str]) -> tuple[set[str], set[str], set[str]]:
    context: set[str] = set()
    institution: set[str] = set()
    system: set[str] = set()
    for role in roles:
        if not isinstance(role, str):
            continue
        if role.startswith(_CONTEXT):
            # Sub-roles such as membership/Instructor#TeachingAssistant count as their parent.
            context.add(role[len(_CONTEXT) :].split("#")[0].split("/")[0])
        elif role.startswith(_INSTITUTION):
            institution.add(role[len(_INSTITUTION) :])
        elif role.startswith(_SYSTEM):
            system.add(role[len(_SYSTEM) :])
        elif role.startswith(_VOCAB + "lis/v2/membership/"):
            context.add(role.split("membership/")[1].split("#")[0])
        elif "/" not in role and "#" not in role:
            context.add(role)  # short names (deprecated, still sent) are context roles
    return context, institution, system


def selfpath_role(roles: Iterable[str]) -> str:
    """`teacher`, `learner` or `admin` for a launch's roles claim."""
    context, institution, system = _split(roles)
    if context & _CONTEXT_TEACHING:
        return TEACHER
    if context & _CONTEXT_LEARNING:
        return LEARNER
    if "Administrator" in system or "SysAdmin" in system or "Administrator" in institution:
        return ADMIN
    if institution & {"Instructor", "Faculty", "Staff"}:
        return TEACHER
    return LEARNER
