"""Cartridges written by hand for the tests: one in the shape Moodle's course export
writes (Common Cartridge 1.1: web links, a page, a QTI quiz, an LTI link, nested
sections), and a minimal one that the hostile-package tests break one part at a time."""

from __future__ import annotations

import io
import zipfile

MANIFEST_11 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="M_1" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
    xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
    xmlns:lom="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <metadata>
    <schema>IMS Common Cartridge</schema>
    <schemaversion>1.1.0</schemaversion>
    <lomimscc:lom>
      <lomimscc:general>
        <lomimscc:title><lomimscc:string language="en">{title}</lomimscc:string></lomimscc:title>
        <lomimscc:language>en</lomimscc:language>
        <lomimscc:description><lomimscc:string>Cells and what they do.</lomimscc:string>
        </lomimscc:description>
      </lomimscc:general>
      <lomimscc:rights>
        <lomimscc:copyrightAndOtherRestrictions><lomimscc:value>yes</lomimscc:value>
        </lomimscc:copyrightAndOtherRestrictions>
        <lomimscc:description><lomimscc:string>CC BY 4.0</lomimscc:string></lomimscc:description>
      </lomimscc:rights>
    </lomimscc:lom>
  </metadata>
  <organizations>
    <organization identifier="O_1" structure="rooted-hierarchy">
      <item identifier="I_1">
        <item identifier="I_2"><title>Topic 1: Cells</title>
{items}
        </item>
      </item>
    </organization>
  </organizations>
  <resources>
{resources}
    <resource identifier="QB_1" type="imsqti_xmlv1p2/imscc_xmlv1p1/question-bank">
      <file href="non_cc_assessments/question_bank.xml"/>
    </resource>
  </resources>
</manifest>
"""

WEB_LINK_11 = """<?xml version="1.0" encoding="UTF-8"?>
<webLink xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1">
  <title>{title}</title>
  <url href="{url}" target="_self"/>
</webLink>
"""

PAGE = """<html><head><title>About this topic</title><style>p {color: red}</style></head>
<body><h1>About this topic</h1><p>Read the two pages,
then take the quiz.</p><script>alert(1)</script><p>Ask your teacher &amp; classmates.</p>
</body></html>
"""

LTI_LINK_10 = """<?xml version="1.0" encoding="UTF-8"?>
<cartridge_basiclti_link xmlns="http://www.imsglobal.org/xsd/imslticc_v1p0"
    xmlns:blti="http://www.imsglobal.org/xsd/imsbasiclti_v1p0">
  <blti:title>Virtual microscope</blti:title>
  <blti:launch_url>https://microscope.example.org/lti</blti:launch_url>
</cartridge_basiclti_link>
"""


def _qti_item(ident: str, profile: str, prompt: str, body: str) -> str:
    return f"""
      <item ident="{ident}" title="Question">
        <itemmetadata><qtimetadata>
          <qtimetadatafield><fieldlabel>cc_profile</fieldlabel>
            <fieldentry>{profile}</fieldentry></qtimetadatafield>
          <qtimetadatafield><fieldlabel>cc_weighting</fieldlabel>
            <fieldentry>1</fieldentry></qtimetadatafield>
        </qtimetadata></itemmetadata>
        <presentation>
          <material><mattext texttype="text/html"><![CDATA[{prompt}]]></mattext></material>
{body}
      </item>"""


def _choices(ident: str, labels: list[str], right: str, feedback: str) -> str:
    options = "".join(
        f'<response_label ident="{n}"><material><mattext texttype="text/html">'
        f"<![CDATA[<p>{text}</p>]]></mattext></material></response_label>"
        for n, text in enumerate(labels, start=1)
    )
    wrong = "".join(
        f'<respcondition continue="No"><conditionvar><varequal respident="{ident}">{n}'
        f'</varequal></conditionvar><setvar varname="SCORE" action="Set">0</setvar>'
        f'<displayfeedback feedbacktype="Response" linkrefid="{n}_fb"/></respcondition>'
        for n in range(1, len(labels) + 1)
        if str(n) != right
    )
    return f"""
          <response_lid ident="{ident}" rcardinality="Single"><render_choice shuffle="No">
            {options}</render_choice></response_lid>
        </presentation>
        <resprocessing>
          <outcomes><decvar varname="SCORE" vartype="Decimal" maxvalue="100" minvalue="0"/>
          </outcomes>
          <respcondition title="General feedback" continue="Yes"><conditionvar><other/>
            </conditionvar><displayfeedback feedbacktype="Response" linkrefid="general_fb"/>
          </respcondition>
          <respcondition title="Correct" continue="No"><conditionvar>
            <varequal respident="{ident}">{right}</varequal></conditionvar>
            <setvar varname="SCORE" action="Set">100</setvar></respcondition>
          {wrong}
        </resprocessing>
        <itemfeedback ident="general_fb"><flow_mat><material>
          <mattext texttype="text/html"><![CDATA[<p>{feedback}</p>]]></mattext>
        </material></flow_mat></itemfeedback>
        <itemfeedback ident="1_fb"><flow_mat><material><mattext>Not this one.</mattext>
        </material></flow_mat></itemfeedback>"""


def _fill_in(ident: str, answers: list[str]) -> str:
    conditions = "".join(
        f'<respcondition continue="No"><conditionvar><varequal respident="{ident}" '
        f'case="No">{a}</varequal></conditionvar>'
        f'<setvar varname="SCORE" action="Set">100</setvar></respcondition>'
        for a in answers
    )
    return f"""
          <response_str ident="{ident}" rcardinality="Single">
            <render_fib><response_label ident="answer1" rshuffle="No"/></render_fib>
          </response_str>
        </presentation>
        <resprocessing><outcomes><decvar varname="SCORE" vartype="Decimal" maxvalue="100"
          minvalue="0"/></outcomes>{conditions}</resprocessing>"""


def moodle_quiz(extra_item: str = "") -> str:
    items = "".join(
        (
            _qti_item(
                "q1",
                "cc.multiple_choice.v0p1",
                "<p>Which part of a cell makes energy?</p>",
                _choices(
                    "r1",
                    ["Nucleus", "Mitochondrion", "Wall"],
                    "2",
                    "Mitochondria release energy from food.",
                ),
            ),
            _qti_item(
                "q2",
                "cc.true_false.v0p1",
                "Plant cells have a cell wall.",
                _choices("r2", ["True", "False"], "1", "The wall keeps the cell's shape."),
            ),
            _qti_item(
                "q3",
                "cc.fib.v0p1",
                "<p>The control centre of a cell is the ...</p>",
                _fill_in("r3", ["nucleus", "the nucleus"]),
            ),
            extra_item,
        )
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">
  <assessment ident="A_1" title="Cells quiz">
    <qtimetadata><qtimetadatafield><fieldlabel>cc_profile</fieldlabel>
      <fieldentry>cc.exam.v0p1</fieldentry></qtimetadatafield></qtimetadata>
    <section ident="S_1">{items}
    </section>
  </assessment>
</questestinterop>
"""


ESSAY = _qti_item("q4", "cc.essay.v0p1", "Describe a cell.", "</presentation>")


def moodle_files(title: str = "Biology 10", quiz: str | None = None) -> dict[str, str]:
    """A course export as Moodle writes it: sections nest the activities."""
    items = "\n".join(
        f'          <item identifier="I_{n}" identifierref="R_{n}"><title>{t}</title></item>'
        for n, t in (
            (3, "Cell structure (Wikipedia)"),
            (4, "About this topic"),
            (5, "Cells quiz"),
            (6, "Virtual microscope"),
        )
    )
    resources = """
    <resource identifier="R_3" type="imswl_xmlv1p1"><file href="R_3/weblink.xml"/></resource>
    <resource identifier="R_4" type="webcontent" href="R_4/page.html">
      <file href="R_4/page.html"/></resource>
    <resource identifier="R_5" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment">
      <file href="R_5/assessment.xml"/></resource>
    <resource identifier="R_6" type="imsbasiclti_xmlv1p0"><file href="R_6/basiclti.xml"/>
    </resource>"""
    return {
        "imsmanifest.xml": MANIFEST_11.format(title=title, items=items, resources=resources),
        "R_3/weblink.xml": WEB_LINK_11.format(
            title="Cell (biology)", url="https://en.wikipedia.org/wiki/Cell_(biology)"
        ),
        "R_4/page.html": PAGE,
        "R_5/assessment.xml": quiz if quiz is not None else moodle_quiz(),
        "R_6/basiclti.xml": LTI_LINK_10,
        "non_cc_assessments/question_bank.xml": "<questestinterop/>",
    }


def minimal_files(
    *,
    resource_type: str = "imswl_xmlv1p1",
    href: str = "R_1/weblink.xml",
    url: str = "https://example.org/cells",
) -> dict[str, str]:
    item = '          <item identifier="I_3" identifierref="R_1"><title>Cells</title></item>'
    resource = f'<resource identifier="R_1" type="{resource_type}"><file href="{href}"/></resource>'
    return {
        "imsmanifest.xml": MANIFEST_11.format(title="Tiny", items=item, resources=resource),
        "R_1/weblink.xml": WEB_LINK_11.format(title="Cells", url=url),
    }


def zipped(files: dict[str, str | bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as package:
        for name, data in files.items():
            package.writestr(
                zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)),
                data,
                compress_type=compression,
            )
    return out.getvalue()
