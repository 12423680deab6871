import pytest

from lti.roles import selfpath_role

M = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INST = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
S = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([M + "Learner"], "learner"),
        ([M + "Instructor"], "teacher"),
        ([M + "Instructor#TeachingAssistant"], "teacher"),
        ([M + "ContentDeveloper"], "teacher"),
        (["Instructor"], "teacher"),
        (["Learner"], "learner"),
        ([M + "Mentor"], "learner"),
        ([INST + "Administrator", M + "Learner"], "learner"),  # the course role outranks
        ([S + "Administrator", M + "Instructor"], "teacher"),
        ([INST + "Administrator"], "admin"),
        ([S + "Administrator"], "admin"),
        ([INST + "Faculty"], "teacher"),
        ([INST + "Student"], "learner"),
        ([], "learner"),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
            "teacher",
        ),
        ([42, None, M + "Learner"], "learner"),
    ],
)
def test_roles_map_to_what_selfpath_allows(roles, expected):
    assert selfpath_role(roles) == expected
