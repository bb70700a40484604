"""第七条 强化产业生态支撑能力: assessment and testing services (7.1) and standards led by
the applicant (7.2)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.standards import level_of_code as code_level
from core.models import ClaimSet, ClauseResult, DocType, Ledger, Status, ValueType

from rules.draft import Draft, en, zh
from rules.inputs import documents_for, read_fact, reviewer_choice, window_verdict
from rules.money import ZERO, q, yuan
from rules.params import Parameters
from rules.patterns import annual_cap, as_of_date, spending_rate
from rules.standard_evidence import Said, StandardEvidence, gather, rewarded


def assessment_services(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft("art7.1", params)
    d.require(read_fact(claims, "provider_recognised"), "服务商经本区认定", "the provider is recognised by the district")
    spending_rate(d, claims, ledger, params, as_of, "评估测试产品或服务费用", "assessment/testing fees paid")
    return d.result()


# --------------------------------------------------------------------------- 7.2 standards

LEVEL_ZH = {"international": "国际标准", "national": "国家标准", "industry": "行业标准", "local": "地方标准",
            "group": "团体标准", "enterprise": "企业标准"}
_LEVEL_WORDS = {"国际": "international", "国家": "national", "行业": "industry", "地方": "local", "团体": "group", "企业": "enterprise"}
def level_of_code(code: str | None) -> str | None:
    """The level a standard's code implies, or None when it is outside the known families."""
    level = code_level(code)
    return None if level == "unknown" else level


def level_of_claim(value: str | None) -> str | None:
    v = (value or "").strip().lower()
    if v in LEVEL_ZH:
        return v
    return next((lvl for word, lvl in _LEVEL_WORDS.items() if word in v), None)


@dataclass
class Due:
    """A standard that pays: its level's amount, and whether the applicant's lead is shown."""

    std: StandardEvidence
    amount: Decimal
    led: bool | None


def _level(d: Draft, std: StandardEvidence) -> str | None:
    """The code's prefix decides; a reviewer's level wins; a notice saying another level than
    the code goes to a reviewer; a code outside the known families takes the notice's."""
    claimed = std.first("level", ValueType.text, rows=False)
    by_claim = level_of_claim(str(claimed.value)) if claimed else None
    by_code, by_row = level_of_code(std.code), None
    for item in std.listings:
        by_row = by_row or (item.entry.level if item.entry.level != "unknown" else None)
    if claimed is not None:
        d.note_input(f"{std.code}: level", str(claimed.value), claimed.evidence)
    if claimed is not None and claimed.reviewer and by_claim:
        return by_claim  # a decision already taken: it overrides what the code's prefix implies
    if by_code and by_claim and by_code != by_claim:
        d.judge(f"{std.name} 级别：编号显示{LEVEL_ZH[by_code]}，公告写{LEVEL_ZH[by_claim]} / level by code and by notice differ")
    return by_code or by_row or by_claim


def _led(d: Draft, std: StandardEvidence, applicant: str | None) -> tuple[bool | None, list[Said]]:
    """牵头: the applicant is the first drafting unit, or a document says it leads. A reviewer's
    word settles it; documents disagreeing go to a reviewer (counted as a ceiling)."""
    said = std.leads(applicant)
    for s in said:
        d.note_input(s.label, str(s.value).lower() if isinstance(s.value, bool) else str(s.value), s.evidence)
    pool = [s for s in said if s.reviewer] or said
    answers = {s.value for s in pool}
    if len(answers) > 1:
        d.judge(f"{std.name} 各材料对牵头单位说法不一（{'；'.join(s.label for s in pool)}）/ the documents disagree on whether the applicant led {std.code}")
        return True, pool
    return (answers.pop() if answers else None), pool


def _standard(d: Draft, std: StandardEvidence, claims: ClaimSet, as_of: dt.date, params: Parameters,
              unled: list[StandardEvidence]) -> Due | None:
    """One standard's award, or None with the reason said; one whose lead nothing shows is
    added to `unled`."""
    name, code = std.name, std.code or std.name
    if len(std.files) > 1:
        d.step(f"{code} 见于 {'、'.join(std.files)}，计一次", f"{code} is shown in {len(std.files)} documents: counted once")
    level = _level(d, std)
    if level in ("group", "enterprise"):
        d.leave_out(f"{name} 为{LEVEL_ZH[level]}，不在支持范围（国际、国家、行业、地方）/ {code}: {level} standards are not covered")
        return None
    lead, lead_said = _led(d, std, claims.applicant.name)
    if lead is False:
        d.leave_out(f"{name} 申请人不是牵头单位（非第一起草单位）/ the applicant did not lead {code}")
        return None
    if not _industrial_internet(d, std, params):
        return None
    dates = {label: std.first(label, ValueType.date) for label in ("publish_date", "implement_date")}
    for label, got in dates.items():
        if got is not None:
            d.note_input(f"{code}: {label}", got.value.isoformat(), got.evidence)
    publish, implement = (got.value if got else None for got in dates.values())
    if publish is not None and publish > as_of:
        d.leave_out(f"{name} 尚未公告（{publish}）/ {code}: not yet published")
        return None
    if implement is not None and implement > as_of:
        d.leave_out(f"{name} 尚未实施（实施日期 {implement} 晚于 {as_of}）：标准公告并执行后方予奖励 / {code}: not yet in force on {as_of}")
        return None
    trigger = _trigger(d, claims, publish, implement, params)
    if trigger is not None:
        kind_zh = "实施" if trigger == implement else "公告"
        if not d.window(*window_verdict(claims, params, trigger), f"{name} {kind_zh}", trigger):
            return None
    if lead is None:
        unled.append(std)
    if publish is None or implement is None:
        d.fail(Status.needs_evidence, f"{name} 缺少公告或实施日期 / {code}: missing publication or implementation date",
               missing=f"{code}: publish_date/implement_date")
    if level is None:
        d.judge(f"{name} 的级别无法从编号判断，请认定（国际/国家/行业/地方）/ classify the level of {code}")
        return None
    amount = d.cp.levels[level].value
    where = std.references(*lead_said, *dates.values())
    d.money_input(f"{code} {LEVEL_ZH[level]}", amount, std.evidence(*lead_said, *dates.values()))
    pending = "，牵头待证" if lead is None else ""
    d.step(f"{code} {LEVEL_ZH[level]} {yuan(amount)} 元（{'；'.join(where)}{pending}）",
           f"{code} {level} standard {yuan(amount)} ({'; '.join(where)}{'; lead not shown' if lead is None else ''})", f"{code} {yuan(amount)}")
    return Due(std, amount, lead)


def _industrial_internet(d: Draft, std: StandardEvidence, params: Parameters) -> bool:
    """工业互联网技术标准 only: a reviewer's finding (`industrial_internet` on the document that
    shows it) decides; else the title names an industrial-internet subject (parameters' keyword
    list); else a reviewer decides, and the standard's amount waits for them."""
    name = std.name
    decided = next((s for s in std.said("industrial_internet", ValueType.boolean, rows=False) if s.reviewer), None)
    if decided is not None:
        d.note_input(f"{name}: industrial_internet", str(decided.value).lower(), decided.evidence)
        if decided.value is False:
            d.leave_out(f"{name} 经评审认定不是工业互联网标准 / a reviewer found {std.code} is not an industrial-internet standard")
        return decided.value is not False
    keywords = params.industrial_internet_keywords.value if params.industrial_internet_keywords else None
    if keywords is None:
        return True  # parameters from before the subject was checked
    title = std.first("standard_title", ValueType.text, "title")
    if title is None:
        d.judge(f"{name} 未读出标准名称，是否工业互联网标准须评审认定 / title not read: is it an industrial-internet standard?")
        return True
    d.note_input(f"{name}: standard_title", str(title.value), title.evidence)
    hit = next((k for k in keywords if k.lower() in str(title.value).lower()), None)
    if hit:
        d.step(f"《{title.value}》含“{hit}”，属工业互联网标准", f"the title names {hit}: an industrial-internet standard")
    else:
        d.judge(f"{name}《{title.value}》是否工业互联网技术标准（标题未见工业互联网主题词）/ is «{title.value}» an industrial-internet standard?")
    return True


def _trigger(d: Draft, claims: ClaimSet, publish: dt.date | None, implement: dt.date | None, params: Parameters) -> dt.date | None:
    """The day the award falls due: 公告并执行后 — once published and in force, so the
    implementation date is the one the policy's window is read against. When publication and
    implementation fall on different sides of the window, the other reading is said."""
    if implement is None or publish is None:
        return implement or publish
    if params.in_window(publish) == params.in_window(implement):
        return implement
    choice = reviewer_choice(claims, "art7.2.trigger")
    d.reading("art7.2.trigger", "有效期按哪个日期判断？implemented = 实施日期（公告并执行后）；published = 公告日期 / "
                                "which date is read against the policy's window: implementation (公告并执行后) or publication?",
              taken=choice or "implemented", alternative="implemented" if choice == "published" else "published",
              by="reviewer" if choice else "rule")
    return publish if choice == "published" else implement


def _allot(d: Draft, due: list[Due], uncapped: Decimal) -> None:
    """The annual cap is for all standards together. Under it the standards are paid in turn —
    those whose lead is shown first, the larger amounts first — and only a standard that gets
    money is recorded as rewarded: one the cap leaves with nothing is not, so it is not barred
    in a later year."""
    left = d.amount if d.status != Status.not_eligible else ZERO
    bound = d.amount < uncapped  # the cap bound: say what each standard gets under it
    parts = []
    for one in sorted(due, key=lambda x: (x.led is not True, -x.amount)):
        paid = min(one.amount, left)
        left -= paid
        code = one.std.code or one.std.name
        if paid > 0:
            d.standard_codes.append(code)
            parts.append(f"{code} {yuan(paid)}")
        if bound and paid > 0:
            d.step(f"{code} 计 {yuan(paid)} 元", f"{code}: {yuan(paid)} under the cap")
        elif bound:
            d.step(f"年度上限已用完，{code} 本年不计，不记为已奖励", f"the annual cap is used up: {code} gets nothing this year and is not recorded as rewarded")
    if bound and parts:
        d.formula.append(f"{' + '.join(parts)} = {yuan(d.amount)}")


def standards(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    """Every standard the dossier shows (each code of each notice, each cover and 前言), each at
    its level's amount when the applicant led it and it is published and in force, never twice
    across years, 1,000,000 a year for all of them together."""
    d = Draft("art7.2", params)
    day = as_of_date(claims, as_of)
    notices = [doc for doc in documents_for(claims, "art7.2", params) if doc.doc_type == DocType.standard_notice]
    if not notices:
        d.fail(Status.needs_evidence, "缺少标准发布公告 / missing: standard publication notice", missing="standard_notice")
        return d.result()
    for doc in notices:
        if doc.error:
            d.fail(Status.needs_evidence, f"{doc.file_name}：文件无法读取 / file could not be read", missing=doc.file_name)
    before = rewarded(claims, ledger)
    due: list[Due] = []
    unled: list[StandardEvidence] = []
    for std in gather([doc for doc in notices if not doc.error]):
        if std.key in before:
            d.leave_out(f"标准 {std.code} 已于 {before[std.key]} 获奖励，不重复奖励 / standard {std.code} already rewarded ({before[std.key]})")
            continue
        one = _standard(d, std, claims, day, params, unled)
        if one is not None:
            due.append(one)
    if unled:  # one reason naming them all: a notice's annex may list a hundred
        d.fail(Status.needs_evidence, f"无牵头证据（无法确认申请人为牵头即第一起草单位，请补各标准的前言起草单位）：{'、'.join(s.name for s in unled)} / "
                                      f"no evidence the applicant led {', '.join(s.code or s.name for s in unled)}: their forewords (drafting units) are wanted")
        d.missing.extend(f"{s.code or s.name}: drafting_units" for s in unled)
    d.amount = q(sum((x.amount for x in due), ZERO))
    if len(due) > 1:
        d.step(f"合计 {yuan(d.amount)} 元", f"total {yuan(d.amount)}")
    elif not due and d.status == Status.eligible:
        d.steps_zh.clear(); d.steps_en.clear()  # the reason below says it all once
        d.fail(Status.not_eligible, f"没有符合条件的标准（{'；'.join(zh(x) for x in d.left_out)}）/ "
                                    f"no standard qualifies ({'; '.join(en(x) for x in d.left_out)})")
    uncapped = d.amount
    annual_cap(d, claims, ledger, as_of)
    _allot(d, due, uncapped)
    return d.result()


CLAUSES = {"art7.1": assessment_services, "art7.2": standards}
