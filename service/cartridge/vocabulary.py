"""The names Common Cartridge 1.3 and QTI 1.2 give to things, written once for the export
and the import."""

from __future__ import annotations

import re

MANIFEST = "imsmanifest.xml"
CP = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
LOM_MANIFEST = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
LOM_RESOURCE = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/resource"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
WEB_LINK_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3"
LTI_LINK_NS = "http://www.imsglobal.org/xsd/imslticc_v1p3"
BLTI = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
LTICM = "http://www.imsglobal.org/xsd/imslticm_v1p0"
LTICP = "http://www.imsglobal.org/xsd/imslticp_v1p0"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
SCHEMA_LOCATION = " ".join(
    (
        CP,
        "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd",
        LOM_MANIFEST,
        "http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd",
        LOM_RESOURCE,
        "http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lomresource_v1p0.xsd",
    )
)

WEB_CONTENT = "webcontent"
WEB_LINK = "imswl_xmlv1p3"
LTI_LINK = "imsbasiclti_xmlv1p3"
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"
# Cartridges 1.0 to 1.3 name the same kinds of resource with their own version numbers
# (Moodle exports 1.1: `imswl_xmlv1p1`, `imsqti_xmlv1p2/imscc_xmlv1p1/assessment`).
KINDS_OF_RESOURCE = (
    ("page", re.compile(r"^webcontent$")),
    ("web_link", re.compile(r"^imswl_xmlv1p[0-3]$")),
    ("lti_link", re.compile(r"^imsbasiclti_xmlv1p[0-3]$")),
    ("assessment", re.compile(r"^imsqti_xmlv1p2/imscc_xmlv1p[0-3]/assessment$")),
)

MULTIPLE_CHOICE = "cc.multiple_choice.v0p1"
TRUE_FALSE = "cc.true_false.v0p1"
FILL_IN_THE_BLANK = "cc.fib.v0p1"
EXAM = "cc.exam.v0p1"
# Step kinds ride in each resource's LOM `learningResourceType` under this vocabulary, so
# a cartridge Selfpath wrote comes back with its kinds; other cartridges get defaults.
STEP_KIND_VOCABULARY = "Selfpath step kind"
STEP_ID_PREFIX = "step-"


def kind_of_resource(resource_type: str) -> str | None:
    """`web_link`, `page`, `assessment`, `lti_link`, or None for a type Selfpath cannot use."""
    for kind, pattern in KINDS_OF_RESOURCE:
        if pattern.match(resource_type):
            return kind
    return None
