"""Deep-linking launches and what Selfpath sends back to the LMS."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import jwt
from sqlalchemy import select

from lti import claims
from lti.models import Deployment
from paths.authoring import create_path
from paths.db import utcnow
from service.path_json import load_path
from tests.conftest import TOOL_BASE
from tests.platform import TEACHER

CONTENT = Path(__file__).resolve().parents[2] / "service/demo/content"


def template_path(session, platform, language="en"):
    tenant_id = session.scalars(
        select(Deployment.tenant_id).where(Deployment.platform_id == platform.platform_id)
    ).first()
    draft = load_path(json.loads((CONTENT / f"digital_skills.{language}.json").read_text()))
    version = create_path(session, draft, now=utcnow(), tenant_id=tenant_id, is_template=True)
    session.commit()
    return version


def deep_link_launch(browser, platform, who=TEACHER, **settings):
    auth = browser.start(platform, who)
    body = platform.claims(auth["nonce"], TOOL_BASE, who, message_type=claims.DEEP_LINKING_REQUEST)
    body[claims.DEEP_LINKING_SETTINGS].update(data="opaque-42", **settings)
    body.pop(claims.RESOURCE_LINK, None)
    return browser.post_launch(platform.sign(body), auth["state"])


def returned_jwt(page: str) -> str:
    return html.unescape(re.search(r'name="JWT" value="([^"]+)"', page).group(1))


def verify_with_published_keys(client, token_value: str, platform) -> dict:
    header = jwt.get_unverified_header(token_value)
    published = {k["kid"]: k for k in client.get("/lti/jwks").get_json()["keys"]}
    key = jwt.PyJWK(published[header["kid"]]).key
    return jwt.decode(token_value, key, algorithms=["RS256"], audience=platform.issuer)
