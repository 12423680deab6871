import pytest

from lti.errors import RegistrationFailed
from lti.platform_configuration import check_platform_url, origin


@pytest.mark.parametrize(("url", "production"), [
    ("https://moodle.school.edu.vn/mod/lti/openid-configuration.php", True),
    ("https://127.0.0.1:8443/x", False),
    ("http://127.0.0.1:5000/x", False),
    ("http://localhost:5000/x", False),
    ("http://[::1]:5000/x", False),
])
def test_allowed_configuration_addresses(url, production):
    check_platform_url(url, production=production)


@pytest.mark.parametrize(("url", "production"), [
    ("http://127.0.0.1:5000/x", True),  # plain HTTP never in production
    ("http://moodle.school.edu.vn/x", False),  # nor to another machine
    ("https://10.0.0.5/x", True),  # nor to the server's private network
    ("https://localhost/x", True),
    ("ftp://moodle.school.edu.vn/x", False),
    ("", False),
])
def test_refused_configuration_addresses(url, production):
    with pytest.raises(RegistrationFailed) as refused:
        check_platform_url(url, production=production)
    assert refused.value.status == 400


def test_origin_includes_the_default_port():
    assert origin("https://lms.example.edu/a") == origin("https://LMS.example.edu:443/b")
    assert origin("https://lms.example.edu") != origin("https://lms.example.edu:8443")
    assert origin("https://lms.example.edu") != origin("http://lms.example.edu")
