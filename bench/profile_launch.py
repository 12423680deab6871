"""Profile launches in one process: `python -m bench.profile_launch [N]`.

Logins and token signing happen first; then only the N id_token POSTs run under
pyinstrument, so the report shows what the tool spends on the launch itself.
DATABASE_URL picks the database (a temporary SQLite file by default).
"""

from __future__ import annotations

import sys

from pyinstrument import Profiler

from bench.lms import learner
from bench.profiling import launch_form, profiled_app


def main(count: int) -> None:
    with profiled_app() as profiled:
        client = profiled.app.test_client()
        posts = [
            launch_form(client, profiled.lms, learner(number % 50)) for number in range(count + 20)
        ]
        for form in posts[:20]:  # warm up: key set fetched, templates compiled
            assert client.post("/lti/launch", data=form).status_code == 200
        profiler = Profiler(interval=0.0002)
        with profiler:
            for form in posts[20:]:
                response = client.post("/lti/launch", data=form)
                assert response.status_code == 200, response.get_data(as_text=True)[:500]
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
