"""Mastery model families chosen by name (settings, `flask skills`) and read back from JSON."""

import pytest

from paths.errors import DomainError
from paths.learning.bkt import BKT, BKTParams
from paths.learning.elo import Elo
from paths.learning.families import DEFAULT_MODEL, make_model, model_from_json
from paths.learning.mastery import Response, replay


@pytest.mark.parametrize(
    ("name", "family"), [(None, BKT), ("", BKT), ("bkt", BKT), (" Elo ", Elo), ("ELO", Elo)]
)
def test_a_family_is_named_without_regard_to_case_or_spaces(name, family):
    assert isinstance(make_model(name), family)
    assert DEFAULT_MODEL == "bkt"


def test_an_unknown_family_is_refused_with_the_names_to_choose_from():
    with pytest.raises(DomainError, match=r"'irt'.*bkt, elo, pfa, best-lr"):
        make_model("irt")


def test_parameters_of_an_unknown_family_are_refused():
    with pytest.raises(DomainError, match=r"Unknown mastery model 'irt'"):
        model_from_json({"model": "irt", "default": {}})
    with pytest.raises(DomainError, match=r"Unknown mastery model None"):
        model_from_json({"default": {}})


@pytest.mark.parametrize(
    "data",
    [
        {"model": "bkt", "default": {"init": 0.2, "speed": 3}},
        {"model": "elo", "default": [0.1, 0.2]},
        {"model": "bkt", "skills": {"fractions": {"learning": 0.3}}},
        {"model": "pfa", "default": {"beta": 1.0}},
        {"model": "best-lr", "skills": {"fractions": {"wins": 0.1, "streak": 2}}},
    ],
)
def test_parameters_in_the_wrong_form_are_refused_by_name(data):
    with pytest.raises(DomainError, match=rf"The {data['model']} parameters are not in the"):
        model_from_json(data)


def test_replay_gives_the_states_after_each_skills_answers_in_order():
    model = BKT(default=BKTParams(init=0.3, learn=0.1, forget=0.0, guess=0.2, slip=0.1))
    answers = [
        Response("ana", "fractions", True),
        Response("ana", "decimals", False),
        Response("ana", "fractions", False),
    ]
    states = replay(model, None, answers)
    by_hand = model.update(model.update(model.initial("fractions"), True), False)
    assert states["fractions"] == by_hand
    assert states["decimals"] == model.update(model.initial("decimals"), False)


def test_replay_continues_from_the_states_it_is_given_and_leaves_them_alone():
    model = Elo()
    earlier = {"fractions": model.update(model.initial("fractions"), True)}
    states = replay(model, earlier, [Response("ana", "fractions", True)])
    assert states["fractions"] == model.update(earlier["fractions"], True)
    assert earlier["fractions"].answers == 1 and states["fractions"].answers == 2
