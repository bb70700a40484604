"""ISO/IEC and ITU-T covers photographed by a phone (issue 8). The lines are rapidocr's own
readings of covers laid out as the published ones are (INTERNATIONAL over STANDARD beside the
big code, the edition line, "Reference number ISO/IEC 27001:2022(E)" and the copyright at the
foot; ITU-T's header, approval month and "Recommendation ITU-T Y.4553" at the foot), wording
from the published covers, photographed by fixtures.generator.photo. OCR runs the words of a
line together and loses the ©; the code is the edition's reference, with its year."""
from datetime import date

import pytest

from core.models import Box, DocType, Line
from extract import extract_document
from tests.extract.builders import OCR, page
from tests.extract.standard_pages import doc_of

ISO27001 = [
    ("ISO/IEC", (1473, 398, 1686, 483)), ("INTERNATIONAL", (407, 480, 691, 524)), ("27001", (1506, 477, 1682, 546)),
    ("STANDARD", (409, 536, 606, 581)), ("Thirdedition", (1507, 611, 1684, 665)), ("2022-10", (1553, 655, 1684, 706)),
    ("Information security, cybersecurity and privacy protection—-", (398, 1034, 1504, 1131)),
    ("Information seurty management systems — Requirements", (393, 1101, 1522, 1205)),
    ("la securitedeI'information—-Exigences", (406, 1292, 861, 1348)),
    ("Referencenumber", (406, 2163, 596, 2215)), ("ISO/IEC27001:2022(E)", (406, 2204, 710, 2271)),
    ("ISO/IEC 2022", (1453, 2255, 1682, 2295)),
]
# the copyright line, tilted, is read before the reference
ISO9001 = [
    ("ISO", (1555, 355, 1647, 413)), ("INTERNATIONAL", (412, 395, 700, 440)), ("9001", (1516, 425, 1650, 487)),
    ("STANDARD", (410, 451, 615, 500)), ("Fifthedition", (1496, 556, 1655, 602)), ("2015-09-15", (1492, 601, 1656, 646)),
    ("Quality management systems —— Requirements ", (398, 984, 1269, 1059)),
    ("Systemesdemanagementdelaqualite—Exigences", (398, 1131, 1017, 1169)),
    ("Referencenumber", (373, 2243, 582, 2285)), (" ISO 2015", (1537, 2252, 1713, 2306)),
    ("ISO 9001:2015(E)", (371, 2292, 626, 2337)),
]
ISO12207 = [
    ("ISO/IEC/IEEE", (1364, 421, 1704, 498)), ("INTERNATIONAL", (445, 476, 721, 523)), ("12207", (1526, 494, 1703, 559)),
    ("STANDARD", (445, 531, 636, 577)), ("Firstedition", (1535, 628, 1706, 672)), ("2017-11", (1573, 672, 1706, 717)),
    ("Systems and software engineering —- Software life cycle", (433, 1032, 1451, 1104)), ("processes", (434, 1108, 614, 1150)),
    ("Referencenumber", (411, 2122, 597, 2174)), ("ISO/IEC/IEEE12207:2017(E)", (409, 2161, 776, 2241)),
    ("IS0/IEC2017IEEE2017", (1273, 2252, 1697, 2322)),
]
IEC62443 = [
    ("IEC", (1608, 418, 1703, 475)), ("INTERNATIONAL", (412, 462, 700, 514)), ("62443-3-3", (1426, 497, 1697, 557)),
    ("STANDARD", (413, 524, 614, 571)), ("Edition1.0", (1541, 631, 1700, 671)), ("2013-08", (1569, 675, 1700, 718)),
    ("Industrial communication networks-Network and system", (413, 1054, 1474, 1101)),
    ("security-Part3-3:Systemsecurityrequirementsandsecurity", (417, 1130, 1558, 1171)), ("levels", (410, 1198, 521, 1242)),
    ("Referencenumber", (410, 2169, 599, 2212)), ("IEC62443-3-3:2013", (410, 2212, 672, 2257)), ("IEC2013", (1515, 2268, 1682, 2314)),
]
ITU4553 = [
    ("InternationalTelecommunicationUnion", (662, 315, 1404, 376)), ("Y.4553", (1322, 439, 1685, 539)),
    ("ITU-T", (408, 466, 635, 563)), ("TELECOMMUNICATION", (403, 600, 634, 634)), ("(03/2016)", (1524, 604, 1692, 646)),
    ("STANDARDIZATIONSECTOR", (403, 638, 688, 671)), ("OFITU", (402, 679, 476, 708)),
    ("SERIESY:GLOBALINFORMATIONINFRASTRUCTURE,INTERNET", (838, 1032, 1670, 1063)),
    ("PROTOCOLASPECTS,NEXT-GENERATIONNETWORKS,INTERNET", (836, 1081, 1685, 1116)),
    ("OFTHINGSANDSMARTCITIES", (845, 1135, 1242, 1162)),
    ("Requirements of smartphone as sink", (837, 1439, 1629, 1505)), ("node for loT applications and services", (834, 1521, 1649, 1590)),
    ("RecommendationITU-TY.4553", (833, 2014, 1353, 2076)),
]
# an ITU-R cover as the published BT.709-6 lays it out: the code with its revision and month on top
BT709 = [
    ("Recommendation", (408, 420, 900, 500)), ("ITU-RBT.709-6", (408, 510, 1100, 600)), ("(06/2015)", (1150, 530, 1400, 590)),
    ("Parameter values for the HDTV standards", (408, 700, 1500, 760)),
    ("for production and international", (408, 770, 1300, 830)), ("programme exchange", (408, 840, 900, 900)),
    ("BTSeries", (408, 2200, 700, 2260)), ("Broadcasting service", (408, 2270, 900, 2320)), ("(television)", (408, 2330, 700, 2380)),
]


def _extract(lines, top: float = 0):
    photo = page([Line(text=t, box=Box(x0=b[0], y0=b[1], x1=b[2], y1=b[3]), confidence=0.98) for t, b in lines if b[1] >= top],
                 width=2050, height=2730, source=OCR)
    dc = extract_document(doc_of(photo, name="cover.jpg"))
    return dc, {c.field: c for c in dc.claims}


@pytest.mark.parametrize("lines, code, published", [
    (ISO27001, "ISO/IEC 27001:2022", None),  # "Third edition 2022-10": no day
    (ISO9001, "ISO 9001:2015", date(2015, 9, 15)),
    (ISO12207, "ISO/IEC/IEEE 12207:2017", None),
    (IEC62443, "IEC 62443-3-3:2013", None),
])
def test_iso_iec_cover_photo_gives_the_reference_code_with_its_year(lines, code, published):
    dc, got = _extract(lines)
    assert dc.doc_type == DocType.standard_notice
    assert got["standard_code"].value == code and got["level"].value == "international"
    assert [(e.code, e.level) for e in got["standards"].value] == [(code, "international")]
    assert got["publish_date"].value == published
    if published is None:  # the edition line gives a month: no day made up, the reviewer told why
        assert [f.code for f in got["publish_date"].flags] == ["date_month_only"]


def test_itu_cover_photo_with_only_its_foot_run_together_still_gives_the_code():
    # the photo cut below the header: "Recommendation ITU-T Y.4553" read with no spaces is all there is
    dc, got = _extract(ITU4553, top=590)
    assert dc.doc_type == DocType.standard_notice
    assert got["standard_code"].value == "ITU-T Y.4553" and got["level"].value == "international"
    assert got["publish_date"].value is None and [f.code for f in got["publish_date"].flags] == ["date_month_only"]
    _, whole = _extract(ITU4553)
    assert whole["standard_code"].value == "ITU-T Y.4553"


def test_a_code_the_cover_cites_is_not_its_own():
    # an ITU page naming the ISO/IEC standard it aligns with; an ISO cover whose reference line
    # the photo cut, with the edition it replaces in its foreword
    itu = ITU4553 + [("This Recommendation is aligned with ISO/IEC 30141:2018", (833, 1700, 1653, 1750))]
    assert _extract(itu)[1]["standard_code"].value == "ITU-T Y.4553"
    iso = [ln for ln in ISO9001 if "9001:2015" not in ln[0]] + [
        ("This fifth edition cancels and replaces the fourth edition (ISO 9001:2008)", (371, 1500, 1600, 1545))]
    got = _extract(iso)[1]
    # the cover's big "ISO" over "9001" is no code line: nothing left to read but the copyright
    assert "standard_code" not in got  # neither the replaced edition nor the © line's "ISO 2015"


def test_itu_r_cover_keeps_the_revision_of_its_code():
    dc, got = _extract(BT709)
    assert dc.doc_type == DocType.standard_notice
    assert got["standard_code"].value == "ITU-R BT.709-6" and got["level"].value == "international"
    assert [e.code for e in got["standards"].value] == ["ITU-R BT.709-6"]
    assert got["publish_date"].value is None and [f.code for f in got["publish_date"].flags] == ["date_month_only"]
