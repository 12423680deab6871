"""Profile launches in one process: `python -m bench.profile_launch [N]`.

Logins and token signing happen first; then only the N id_token POSTs run under
pyinstrument, so the report shows what the tool spends on the launch itself.
DATABASE_URL picks the database (a temporary SQLite file by default).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pyinstrument import Profiler

from bench.lms import BenchLms, learner
from bench.setup_db import prepare_database
from config import Settings
from service import create_app
from service.extensions import db

TOOL_BASE = "https://selfpath.bench.invalid"


def main(count: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="selfpath-profile-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'profile.db'}"
    lms = BenchLms()
    prepare_database(url, lms)
    settings = Settings(env="production", secret_key="p" * 40, database_url=url,
                        base_url=TOOL_BASE, instance_path=str(work), log_level="WARNING",
                        redis_url=os.environ.get("REDIS_URL") or None,
                        lti_login_rate_limit="1000000 per minute")
    app = create_app(settings)
    client = app.test_client()
    posts = []
    for number in range(count + 20):
        who = learner(number % 50)
        login = client.post("/lti/login", data=lms.login_params(TOOL_BASE, who))
        query = {k: v[0] for k, v in parse_qs(urlsplit(login.headers["Location"]).query).items()}
        posts.append({"id_token": lms.id_token(query["nonce"], TOOL_BASE, who),
                      "state": query["state"]})
    for form in posts[:20]:  # warm up: key set fetched, templates compiled
        assert client.post("/lti/launch", data=form).status_code == 200
    profiler = Profiler(interval=0.0002)
    with profiler:
        for form in posts[20:]:
            response = client.post("/lti/launch", data=form)
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    with app.app_context():
        db.engine.dispose()
    lms.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
