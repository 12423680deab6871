"""Form input through allow-list schemas: one schema instance per form, no request's state
kept in it."""

from __future__ import annotations

import pytest
from flask import Flask
from marshmallow import Schema, fields

from paths.errors import DomainError
from service.forms import _loader, load_form


class TagsForm(Schema):
    tags = fields.List(fields.String(), required=True)
    note = fields.String()


def posted(app: Flask, data):
    with app.test_request_context("/", method="POST", data=data):
        return load_form(TagsForm)


def test_a_form_is_loaded_by_one_schema_instance_built_once():
    assert _loader(TagsForm)[0] is _loader(TagsForm)[0]
    assert _loader(TagsForm)[1] == frozenset({"tags"})


def test_each_post_is_judged_on_its_own_input():
    app = Flask(__name__)
    assert posted(app, {"tags": ["a", "b", " "], "note": "n"}) == {"tags": ["a", "b"], "note": "n"}
    assert posted(app, {"tags": ["c"]}) == {"tags": ["c"]}
    with pytest.raises(DomainError):
        posted(app, {"note": "no tags"})
    with pytest.raises(DomainError):
        posted(app, {"tags": ["d"], "unknown": "x"})
    assert posted(app, {"tags": ["e"]}) == {"tags": ["e"]}
