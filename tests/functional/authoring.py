"""A teacher authoring paths through the pages: uploading, editing and reading them back."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

from flask import g
from sqlalchemy import func, select

from paths.catalog import LearningPath, PathVersion
from tests.functional.learner_pages import page_of as _page_of
from tests.functional.learner_pages import token
from tests.platform import TEACHER, LaunchContext

CONTENT = Path(__file__).resolve().parents[2] / "service/demo/content"


DEMO = json.loads((CONTENT / "digital_skills.en.json").read_text())


OTHER_TEACHER = LaunchContext(
    **{
        **TEACHER.__dict__,
        "subject": "teacher-2",
        "context_id": "course-2",
        "context_title": "History 11",
        "resource_link_id": "link-b",
    }
)


def page_of(client, url: str) -> str:
    """The page, with a CSRF token of this client's own session: the tests share one app
    context, where Flask-WTF caches the last token it made (in `g`), whoever it was for."""
    g.pop("csrf_token", None)
    return _page_of(client, url)


def post(client, url: str, data: dict, from_url: str = "/path"):
    return client.post(url, data={"csrf_token": token(page_of(client, from_url)), **data})


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def paths_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(LearningPath))


def snapshot(session) -> tuple:
    """Everything authoring may change: paths with their drafts, and versions."""
    session.expire_all()
    paths = [
        (p.id, p.title, p.course_id, json.dumps(p.draft, sort_keys=True))
        for p in session.scalars(select(LearningPath).order_by(LearningPath.id))
    ]
    versions = [
        (v.id, v.path_id, v.number)
        for v in session.scalars(select(PathVersion).order_by(PathVersion.id))
    ]
    return paths, versions


def upload(client, document, name="path.json", from_url="/teach/paths"):
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post(
        "/teach/paths/import",
        data={"csrf_token": token(page_of(client, from_url)), "file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def path_id_of(response) -> int:
    return int(re.search(r"/teach/paths/(\d+)", response.headers["Location"]).group(1))


def create(client, title="Cells", language="en") -> int:
    response = post(
        client,
        "/teach/paths",
        {"title": title, "description": "About cells", "language": language},
        "/teach/paths",
    )
    assert response.status_code == 303, text_of(response)
    return path_id_of(response)


def add_step(client, path_id, title, kind="read") -> str:
    response = post(
        client,
        f"/teach/paths/{path_id}/steps",
        {"kind": kind, "title": title},
        f"/teach/paths/{path_id}",
    )
    assert response.status_code == 303, text_of(response)
    return response.headers["Location"].rsplit("/", 1)[1]


def exported(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200, text_of(response)
    assert "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.get_data(as_text=True))
