"""An admin's browser on the Selfpath admin console: signing in, its forms and their CSRF tokens."""

from __future__ import annotations

import re

from flask import g

from tests.conftest import ADMIN

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class AdminBrowser:
    def __init__(self, client) -> None:
        self.client = client

    def csrf(self, page: str = "/admin/login") -> str:
        # The tests' requests share one app context, where Flask-WTF caches the token it
        # last issued; a launch in between clears the session that token belongs to.
        g.pop("csrf_token", None)
        return CSRF.search(self.client.get(page).get_data(as_text=True)).group(1)

    def sign_in(self, username: str = ADMIN[0], password: str = ADMIN[1]):
        return self.client.post(
            "/admin/login",
            data={"csrf_token": self.csrf(), "username": username, "password": password},
        )

    def post(self, path: str, **data: str):
        return self.client.post(path, data={"csrf_token": self.csrf("/admin/"), **data})
