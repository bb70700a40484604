"""A text layer of glyph codes without a Unicode map (Founder fonts: JT/T 808—2019 in
shared/realdocs) is no text: the page is OCR'd instead."""
from core.models import Box, Word
from ingest.pdf import garbled, usable_text

# pdfminer's reading of JT/T 808—2019's cover and 前言 (shared/realdocs, SOURCES.md)
FOUNDER = ['!"#!"$##!$#!!"$$#%!$&!', "%$\"", '! "#$%&’()*+,-./', "&’(’)*)\"+*,-", "0123456789:",
           "./012/32456275038279//5798:879;<0=49>5?/98936269@53=02@7=238A0=7\"", "#!’((!\"(’$;<"]


def _words(texts):
    return [Word(text=t, box=Box(x0=0, y0=i * 10, x1=100, y1=i * 10 + 8)) for i, t in enumerate(texts)]


def test_founder_glyph_codes_are_not_a_text_layer():
    assert garbled("".join(FOUNDER)) and not usable_text(_words(FOUNDER))


def test_real_pages_stay_text():
    chinese = ["本文件起草单位：公安部第一研究所、国家信息中心、华为技术有限公司。", "GB/T 28181—2022"]
    contents = ["前言", "1 范围" + "." * 60 + "1", "2 规范性引用文件" + "." * 50 + "1", "3.1 术语和定义" + "." * 50 + "2"]
    english = ["ISO/IEC 30141:2018 Internet of Things (IoT) - Reference Architecture", "Publication date: 01 August 2018"]
    invoice = ["发票代码：011002000511", "发票号码：36523185", "开票日期：2020年10月30日", "¥127200.00 ¥16536.00 03110 83848 26372"]
    for page in (chinese, contents, english, invoice):
        assert usable_text(_words(page)), page
