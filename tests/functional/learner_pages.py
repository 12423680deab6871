"""A learner's pages: the demo path placed on an activity, forms and their tokens, the
steps' statuses, the answers of the demo path's checkpoints."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import func, select

from lti.models import Deployment
from paths.authoring import create_path
from paths.db import utcnow
from paths.enrollment import assign
from paths.people import Activity, Course
from paths.progress import ProgressEvent
from service.path_json import load_path

CONTENT = Path(__file__).resolve().parents[2] / "service/demo/content"


def assign_demo_path(session, platform, language="en", link="link-1"):
    tenant_id = session.scalars(
        select(Deployment.tenant_id).where(Deployment.platform_id == platform.platform_id)
    ).first()
    course = session.scalars(select(Course).where(Course.tenant_id == tenant_id)).first()
    if course is None:
        course = Course(tenant_id=tenant_id, context_id="course-1", title="Biology 10A")
        session.add(course)
        session.flush()
    activity = Activity(tenant_id=tenant_id, course_id=course.id, resource_link_id=link)
    session.add(activity)
    session.flush()
    draft = load_path(json.loads((CONTENT / f"digital_skills.{language}.json").read_text()))
    version = create_path(session, draft, now=utcnow(), tenant_id=tenant_id, is_template=True)
    assign(session, activity.id, version, assigned_by=None, now=utcnow())
    session.commit()
    return version


def token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def post(client, url: str, data: dict, from_url: str = "/path"):
    return client.post(url, data={"csrf_token": token(page_of(client, from_url)), **data})


def statuses(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="([^"]+)" data-status="([^"]+)"', page))


def up_next(page: str) -> str:
    block = page.split('data-testid="up-next"')[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))


def events(session) -> int:
    return session.scalar(select(func.count()).select_from(ProgressEvent))


SEARCH_ANSWERS = {"check-search:0": "1", "check-search:1": "0", "check-search:2": "serp"}


def question_on(page: str) -> str | None:
    found = re.search(r'name="question" value="([^"]+)"', page)
    return found.group(1) if found else None


def answer_diagnostic(client, url: str, right: dict[str, str]) -> list[str]:
    """Answer one question per page until the diagnostic stops (its answer no longer leads
    back to it); the question ids asked."""
    asked = []
    while (question := question_on(page := page_of(client, url))) is not None:
        asked.append(question)
        response = client.post(
            url,
            data={
                "csrf_token": token(page),
                "question": question,
                "answer": right.get(question, ""),
            },
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        if response.headers["Location"] != url:
            break
        assert len(asked) < 20
    return asked


WRONG = {"q0": "0", "q1": "1", "q2": "x"}


RIGHT = {"q0": "1", "q1": "0", "q2": "SERP"}
