"""Where a list of drafting units ends. A 起草单位 list has no end mark a reader can count on:
a platform's 标准信息页 prints it without its 。 and goes on with 标准简介, a 相似标准 list, 起草人
and the site's footer; a 前言 whose 。 OCR lost goes on with 主要起草人 or the next clause. So
each line the list would take in is asked whether it is more of the list — more names, or the
rest of a name the line above left cut — or the next thing on the page."""
from __future__ import annotations

import re
import unicodedata

from extract.layout import norm
from extract.normalise import find_standard_codes

SEPARATORS = "、，,;；"
_SPLIT = re.compile(rf"[{SEPARATORS}]+")
# how an organisation's name ends: a company, an institute, a university, an office, a body, a
# partnership (…合伙企业（有限合伙）, its bracket aside)
_ORG_END = re.compile(
    r"(?:公司|厂|院|所|中心|大学|学校|学院|校|局|厅|部|司|委|办|处|室|站|社|馆|队|组|会|盟|集团|团|银行|行|署|台|基地|园|场|医院|店|海关|油田|矿|企业)$"
    r"|(?i:(?:Ltd|Limited|Inc|Co|Corp|Corporation|Company|GmbH|LLC|University|Institute|Association|Academy|"
    r"Laborator(?:y|ies)|Cent(?:er|re)|Administration|Agency|Council|Committee)\.?)$")
_BRACKETED = re.compile(r"[（(][^（()）]*[)）]$")
# what follows a list on the pages that print one: a section's heading or label …
_NEXT_SECTION = re.compile(
    r"^(?:标准简介|简介|内容简介|适用范围|范围|相似标准|相近标准|相关标准|引用标准|起草人|主要起草人|参与起草人|归口|主管|代替|被代替|"
    r"采标情况|采用标准|发布日期|实施日期|标准状态|法规联动|备注|引言|目次|前言|附件|附录|"
    r"[\u4e00-\u9fff]{0,4}(?:单位|部门))")
# … a sentence (本部分适用于…) or a site's furniture
_PROSE = re.compile(r"^本(?:文件|标准|部分|规范|规程|指南)|适用于|规定了|版权所有|ICP备|Copyright|技术支持|联系我们|网站地图")


def is_heading(line: str) -> bool:
    """A line that opens the next section of a standard's page (标准简介, 相似标准, 起草人, …)."""
    return bool(_NEXT_SECTION.match(norm(line)))


def ends_before(line: str) -> bool:
    """The line is the next thing on the page whatever the list above it: a heading, a
    sentence, the site's furniture, a standard's code."""
    line = norm(line)
    return is_heading(line) or bool(_PROSE.search(line)) or bool(find_standard_codes(line))


def is_unit(name: str) -> bool:
    """A name that ends as an organisation's does (a bracketed seat, （北京）, aside), in
    Chinese or in English (Co., Ltd., University)."""
    name = _BRACKETED.sub("", unicodedata.normalize("NFKC", name).strip("。:：、，,;； "))
    return bool(_ORG_END.search(name))


def ends_a_unit(text: str) -> bool:
    """The list so far ends with a whole unit's name, no 、 after it: it may be its end."""
    text = norm(text)
    pieces = [p for p in _SPLIT.split(text) if p]
    return bool(pieces) and text[-1] not in SEPARATORS and is_unit(pieces[-1])


def goes_on(before: str, line: str, wraps: bool = False) -> bool:
    """Whether `line` is more of the list whose text so far is `before`: the rest of a name the
    last line cut (it ended with a 、 or inside a name), a line that opens with its 、, or a line
    with a unit's name in it; `wraps`: the line runs to its column's edge, so it may be the
    head of a long name. A heading, a sentence or a standard's code is the next thing."""
    line = norm(line)
    if not line or ends_before(line):
        return False
    if not ends_a_unit(before) or line[0] in SEPARATORS:
        return True
    return wraps or any(is_unit(p) for p in _SPLIT.split(line.rstrip("。.")) if p)
