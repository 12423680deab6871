"""IMS Common Cartridge 1.3: a path exported as a cartridge and imported back is the same
path (as far as a cartridge can say), a cartridge in the shape Moodle exports becomes a
path, and hostile packages are refused by the name of their part and create nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree
from sqlalchemy import select

from paths.db import utcnow
from paths.library.models import LibraryEntry
from service.cartridge.vocabulary import ASSESSMENT, LTI_LINK, WEB_CONTENT, WEB_LINK
from service.library.starter import seed_library
from service.path_json import without_identities
from tests.conftest import TOOL_BASE
from tests.functional.authoring import exported, page_of, path_id_of, paths_count, text_of, upload
from tests.functional.cartridges import ESSAY, minimal_files, moodle_files, moodle_quiz, zipped
from tests.functional.learner_pages import token
from tests.platform import TEACHER


@pytest.fixture
def teacher(browser, platform):
    assert browser.launch(platform, TEACHER).headers["Location"] == "/teach"
    return browser.client


@pytest.fixture
def starter(session):
    seed_library(session, utcnow())
    session.commit()
    return list(session.scalars(select(LibraryEntry).order_by(LibraryEntry.id)))


PATH = {
    "format": "selfpath-path/1",
    "title": "Phân số: một nửa",
    "language": "vi",
    "description": "Halves & quarters, <b>not</b> bold.",
    "subject": "mathematics",
    "level": "primary",
    "skills": [{"key": "halves", "label": "Halves"}],
    "steps": [
        {
            "key": "read-halves",
            "kind": "read",
            "title": "Read about halves",
            "instructions": "Read the page.\n\nThen write two examples.",
            "minutes": 15,
            "skills": ["halves", "fractions"],
            "resource": {
                "url": "https://en.wikibooks.org/wiki/Fractions?a=1&b=2",
                "licence": "CC BY-SA 4.0",
                "source": "Wikibooks, the free; library",
                "framable": False,
            },
        },
        {
            "key": "watch.quarters",
            "kind": "watch",
            "title": "Watch: quarters",
            "minutes": 8,
            "resource": {
                "url": "https://example.org/video",
                "licence": None,
                "source": None,
                "framable": True,
            },
        },
        {
            "key": "practice",
            "kind": "practice",
            "title": "Practise on paper",
            "instructions": "Fold a sheet in four & colour one part < half.",
            "minutes": 20,
            "prerequisites": ["read-halves"],
        },
        {
            "key": "check",
            "kind": "checkpoint",
            "title": "Check: halves",
            "instructions": "Answer both.",
            "minutes": 5,
            "skills": ["halves"],
            "checkpoint": {
                "threshold": 0.5,
                "questions": [
                    {
                        "kind": "choice",
                        "prompt": "Which is a half?",
                        "choices": ["1/2", "1/3", "2 < 3"],
                        "answer": 0,
                        "skill": "halves",
                        "explanation": "One of two equal parts.",
                    },
                    {
                        "kind": "short",
                        "prompt": "Write one half as a decimal.",
                        "accepted": ["0.5", "0,5"],
                        "skill": None,
                        "explanation": "",
                    },
                ],
            },
        },
        {
            "key": "again",
            "kind": "read",
            "title": "Halves again",
            "minutes": 10,
            "instructions": "Another way to see it.",
            "remedial_for": "check",
            "resource": {
                "url": "https://example.org/halves",
                "licence": "CC BY 4.0",
                "source": "OpenStax",
                "framable": False,
            },
        },
        {
            "key": "reflect",
            "kind": "reflect",
            "title": "What did you learn?",
            "instructions": "Write three sentences.",
            "minutes": 5,
            "optional": True,
        },
    ],
}


def what_a_cartridge_keeps(document: dict) -> dict:
    """A path as far as thin Common Cartridge can carry it: order, titles, kinds,
    instructions, minutes, skills, resources with licence and source, and questions with
    answers and explanations. Lost: identities, prerequisites, remedial links, optional,
    framable, mastery thresholds, questions' skills, subject, level and skill labels."""
    out = {
        k: v
        for k, v in without_identities(document).items()
        if k not in ("subject", "level", "skills")
    }
    out["steps"] = [_kept_step(s) for s in out["steps"]]
    return out


def _kept_step(step: dict) -> dict:
    out = {k: v for k, v in step.items() if k not in ("prerequisites", "remedial_for", "optional")}
    if out.get("resource"):
        out["resource"] = {k: v for k, v in out["resource"].items() if k != "framable"}
    if out.get("checkpoint"):
        out["checkpoint"] = {
            "questions": [
                {k: v for k, v in q.items() if k != "skill"} for q in out["checkpoint"]["questions"]
            ]
        }
    return out


def cartridge_of(client, url: str) -> zipfile.ZipFile:
    response = client.get(url)
    assert response.status_code == 200, text_of(response)
    assert response.mimetype == "application/vnd.ims.imsccv1p3"
    assert ".imscc" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def send(client, raw: bytes, name: str = "course.imscc"):
    return upload(client, raw, name=name)


# -- export --------------------------------------------------------------------------------


def test_export_then_import_gives_an_equal_path(teacher):
    first = path_id_of(upload(teacher, PATH))
    package = cartridge_of(teacher, f"/teach/paths/{first}/versions/1/cartridge")
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as copy:
        for info in package.infolist():
            copy.writestr(info, package.read(info))
    response = send(teacher, raw.getvalue())
    assert response.status_code == 303, text_of(response)
    second = path_id_of(response)
    original = exported(teacher, f"/teach/paths/{first}/versions/1/export")
    again = exported(teacher, f"/teach/paths/{second}/versions/1/export")
    assert what_a_cartridge_keeps(again) == what_a_cartridge_keeps(original)
    assert [s["key"] for s in again["steps"]] == [s["key"] for s in PATH["steps"]]


def test_the_cartridge_is_common_cartridge_1_3_with_a_link_back_to_selfpath(teacher):
    path_id = path_id_of(upload(teacher, PATH))
    package = cartridge_of(teacher, f"/teach/paths/{path_id}/versions/1/cartridge")
    manifest = etree.fromstring(package.read("imsmanifest.xml"))
    assert manifest.tag == "{http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1}manifest"
    assert manifest.findtext("{*}metadata/{*}schemaversion") == "1.3.0"
    assert manifest.findtext(".//{*}general/{*}language") == "vi"
    items = manifest.findall(".//{*}organization/{*}item/{*}item")
    assert [i.findtext("{*}title") for i in items] == [s["title"] for s in PATH["steps"]] + [
        PATH["title"]
    ]
    types = [r.get("type") for r in manifest.iter("{*}resource")]
    assert types == [WEB_LINK, WEB_LINK, WEB_CONTENT, ASSESSMENT, WEB_LINK, WEB_CONTENT, LTI_LINK]
    link = etree.fromstring(package.read("selfpath/launch.xml"))
    assert link.findtext("{*}launch_url") == f"{TOOL_BASE}/lti/launch"
    custom = {p.get("name"): p.text for p in link.iter("{*}property")}
    assert custom == {"path_id": str(path_id), "path_version": "1"}
    quiz = etree.fromstring(package.read("steps/04-check/assessment.xml"))
    right = quiz.findall(".//{*}respcondition/{*}setvar/..//{*}varequal")
    assert [v.text for v in right] == ["choice0", "0.5", "0,5"]
    assert (
        "Fold a sheet in four &amp; colour one part &lt; half."
        in package.read("steps/03-practice/page.html").decode()
    )


def test_a_library_release_downloads_as_a_cartridge_for_teachers_only(teacher, app, starter):
    entry = starter[0]
    page = page_of(teacher, f"/library/{entry.uuid}")
    assert f"/library/{entry.uuid}/cartridge?release=1" in page
    package = cartridge_of(teacher, f"/library/{entry.uuid}/cartridge")
    link = etree.fromstring(package.read("selfpath/launch.xml"))
    custom = {p.get("name"): p.text for p in link.iter("{*}property")}
    assert custom == {"library_entry": entry.uuid, "library_version": "1"}
    manifest = etree.fromstring(package.read("imsmanifest.xml"))
    assert "CC BY 4.0" in manifest.findtext(".//{*}rights/{*}description/{*}string")
    # The public page never shows answers: an anonymous visitor gets no cartridge.
    anonymous = app.test_client()
    assert anonymous.get(f"/library/{entry.uuid}/cartridge").status_code in (401, 403)


def test_only_the_courses_teachers_download_its_cartridges(teacher, app):
    path_id = path_id_of(upload(teacher, PATH))
    assert teacher.get(f"/teach/paths/{path_id}/versions/9/cartridge").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/teach/paths/{path_id}/versions/1/cartridge").status_code in (401, 403)


# -- import --------------------------------------------------------------------------------


def test_a_cartridge_in_the_shape_moodle_exports_becomes_a_path(teacher):
    response = send(teacher, zipped(moodle_files()))
    assert response.status_code == 303, text_of(response)
    notes = text_of(teacher.get(response.headers["Location"]))
    assert "The cartridge's licence: CC BY 4.0" in notes
    assert "cannot launch other tools: “Virtual microscope”" in notes
    document = exported(teacher, f"/teach/paths/{path_id_of(response)}/versions/1/export")
    assert (document["title"], document["language"]) == ("Biology 10", "en")
    assert document["description"] == "Cells and what they do."
    assert [(s["kind"], s["title"]) for s in document["steps"]] == [
        ("read", "Cell structure (Wikipedia)"),
        ("read", "About this topic"),
        ("checkpoint", "Cells quiz"),
    ]
    link, page, quiz = document["steps"]
    assert link["resource"]["url"] == "https://en.wikipedia.org/wiki/Cell_(biology)"
    assert page["instructions"] == (
        "Read the two pages, then take the quiz.\n\nAsk your teacher & classmates."
    )
    assert [
        (q["kind"], q["prompt"], q.get("answer"), q.get("accepted"), q["explanation"])
        for q in quiz["checkpoint"]["questions"]
    ] == [
        (
            "choice",
            "Which part of a cell makes energy?",
            1,
            None,
            "Mitochondria release energy from food.",
        ),
        ("choice", "Plant cells have a cell wall.", 0, None, "The wall keeps the cell's shape."),
        ("short", "The control centre of a cell is the ...", None, ["nucleus", "the nucleus"], ""),
    ]
    assert quiz["checkpoint"]["questions"][0]["choices"] == ["Nucleus", "Mitochondrion", "Wall"]


def _files(**changes) -> dict:
    files = minimal_files()
    files.update(changes)
    return files


def _without(name: str) -> dict:
    files = minimal_files()
    del files[name]
    return files


XXE = (
    '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<manifest>&x;</manifest>"
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;">]><questestinterop>&c;</questestinterop>'
)
BOMB = {**minimal_files(), "R_1/padding.txt": b"\0" * (5 * 1024 * 1024)}
MANY = {**minimal_files(), **{f"extra/{n}.txt": "x" for n in range(2001)}}


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"this is not a zip", "the package: it is not a zip file"),
        (b"PK\x03\x04broken", "the package: it is not a zip file"),
        (zipped(BOMB), "R_1/padding.txt: it expands more than 100 times"),
        (zipped(MANY), "the package: it has more than 2000 entries"),
        (zipped({**minimal_files(), "../escape.txt": "x"}), "points outside the package"),
        (zipped({**minimal_files(), "/etc/cron.d/x": "x"}), "'/etc/cron.d/x' is an absolute path"),
        (zipped({**minimal_files(), "C:/Windows/x": "x"}), "is an absolute path"),
        (zipped({**minimal_files(), "R_1\\weblink.xml": "x"}), "has a backslash"),
        (zipped(_without("imsmanifest.xml")), "imsmanifest.xml: it is missing"),
        (
            zipped(_files(**{"imsmanifest.xml": "<manifest><oops></manifest>"})),
            "imsmanifest.xml: it is not well-formed XML",
        ),
        (zipped(_files(**{"imsmanifest.xml": "<rss/>"})), "imsmanifest.xml: its root element is"),
        (zipped(_files(**{"imsmanifest.xml": XXE})), "imsmanifest.xml: it declares a DTD"),
        (zipped(moodle_files(quiz=LAUGHS)), "R_5/assessment.xml: it declares a DTD"),
        (
            zipped(minimal_files(resource_type="imsdt_xmlv1p1")),
            "resource 'R_1': items of type 'imsdt_xmlv1p1' cannot be imported",
        ),
        (
            zipped(moodle_files(quiz=moodle_quiz(ESSAY))),
            "R_5/assessment.xml item 4: questions of type 'cc.essay.v0p1'",
        ),
        (zipped(minimal_files(href="../../etc/passwd")), "points outside the package"),
        (zipped(minimal_files(href="R_1/missing.xml")), "'R_1/missing.xml' is not in the package"),
        (
            zipped(minimal_files(url="javascript:alert(1)")),
            "R_1/weblink.xml: the web link's address 'javascript:alert(1)' is not an http",
        ),
    ],
)
def test_hostile_or_broken_cartridges_are_refused_by_their_part(teacher, session, raw, words):
    before = paths_count(session)
    response = send(teacher, raw)
    assert response.status_code == 400
    assert "The Common Cartridge cannot be imported" in text_of(response)
    assert words in text_of(response)
    assert paths_count(session) == before


def test_a_large_package_is_accepted_by_the_import_only(teacher, session):
    """Forms take 2 MB; a course export may be larger, up to the cartridge limit."""
    files = {**minimal_files(), "R_1/video.bin": bytes(range(256)) * (12 * 1024)}
    raw = zipped(files, compression=zipfile.ZIP_STORED)
    assert len(raw) > 3 * 1024 * 1024
    assert _post_file(teacher, "/teach/paths/import", raw).status_code == 303
    before = paths_count(session)
    assert _post_file(teacher, "/teach/paths", raw).status_code == 413
    assert paths_count(session) == before


def _post_file(client, url: str, raw: bytes):
    """A multipart body built here: the test client spools large bodies to a temporary
    file that it never closes."""
    boundary = "selfpath-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{token(page_of(client, '/teach/paths'))}\r\n--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="course.imscc"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    )
    body = head.encode() + raw + f"\r\n--{boundary}--\r\n".encode()
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
