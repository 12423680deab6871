"""How a harvested resource's licence is named on a step."""

from __future__ import annotations

import pytest

from paths.library.resources import licence_name


@pytest.mark.parametrize(
    ("text", "url", "name"),
    [
        ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by/4.0/", "CC BY-SA 4.0"),
        (None, "https://creativecommons.org/licenses/by-nc-sa/3.0/igo/", "CC BY-NC-SA 3.0"),
        (None, "http://creativecommons.org/licenses/by/4.0", "CC BY 4.0"),
        (None, "https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"),
        (None, "https://creativecommons.org/publicdomain/mark/1.0/", "Public Domain Mark 1.0"),
        (None, "https://opensource.org/license/mit", "https://opensource.org/license/mit"),
        ("x" * 500, None, "x" * 120),
        (None, None, None),
    ],
)
def test_a_licence_is_named_by_its_words_else_by_its_address(text, url, name):
    assert licence_name(text, url) == name
