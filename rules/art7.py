"""第七条 强化产业生态支撑能力: assessment and testing services (7.1) and standards led by
the applicant (7.2)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from core.standards import level_of_code as code_level
from core.models import ClaimSet, ClauseResult, DocType, DocumentClaims, Ledger, Status, ValueType

from rules.draft import Draft, en, zh
from rules.inputs import documents_for, read_fact, reviewer_choice, typed, window_verdict
from rules.money import ZERO, q, yuan
from rules.params import Parameters
from rules.patterns import annual_cap, as_of_date, spending_rate


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


def _norm(name: str | None) -> str:
    return re.sub(r"\s+", "", name or "").replace("（", "(").replace("）", ")")


def _leads(d: Draft, doc: DocumentClaims, applicant: str | None) -> bool | None:
    """True/False when the notice says whether the applicant led the standard, else None."""
    flag = typed(doc, "applicant_is_lead", ValueType.boolean)
    if flag is not None:
        d.note_input(f"{doc.file_name}: applicant_is_lead", str(flag).lower(), list(doc.get("applicant_is_lead").evidence))
        return flag
    units = doc.get("drafting_units")
    if units is not None and units.value and applicant:
        first = units.value[0] if isinstance(units.value, list) else str(units.value)
        d.note_input(f"{doc.file_name}: drafting_units[0]", str(first), list(units.evidence))
        return _norm(first) == _norm(applicant)
    return None


def _standard(d: Draft, doc: DocumentClaims, claims: ClaimSet, as_of: dt.date, params: Parameters) -> tuple[str, Decimal] | None:
    """One standard's award (code, amount), or None with the reason recorded."""
    code = doc.value("standard_code") or doc.file_name
    name = f"{code}（{doc.file_name}）"
    if doc.get("standard_code") is not None:
        d.note_input("standard_code", str(code), list(doc.get("standard_code").evidence))
    level_claim = doc.get("level")
    by_code, by_claim = level_of_code(doc.value("standard_code")), level_of_claim(doc.value("level"))
    reviewer_set = level_claim is not None and level_claim.corrected and by_claim is not None
    # A reviewer's level is a decision already taken: it overrides what the code's prefix implies.
    level = by_claim if reviewer_set else (by_code or by_claim)
    if by_code and by_claim and by_code != by_claim and not reviewer_set:
        d.judge(f"{name} 级别：编号显示{LEVEL_ZH[by_code]}，公告写{LEVEL_ZH[by_claim]} / level by code and by notice differ")
    if level_claim is not None:
        d.note_input(f"{code}: level", str(level_claim.value), list(level_claim.evidence))
    if level in ("group", "enterprise"):
        d.leave_out(f"{name} 为{LEVEL_ZH[level]}，不在支持范围（国际、国家、行业、地方）/ {level} standards are not covered")
        return None
    lead = _leads(d, doc, claims.applicant.name)
    if lead is False:
        d.leave_out(f"{name} 申请人不是牵头单位（非第一起草单位）/ the applicant did not lead this standard")
        return None
    if not _industrial_internet(d, doc, name, params):
        return None
    publish, implement = typed(doc, "publish_date", ValueType.date), typed(doc, "implement_date", ValueType.date)
    for label, day in (("publish_date", publish), ("implement_date", implement)):
        if day is not None:
            d.note_input(f"{code}: {label}", day.isoformat(), list(doc.get(label).evidence))
    if publish is not None and publish > as_of:
        d.leave_out(f"{name} 尚未公告（{publish}）/ not yet published")
        return None
    if implement is not None and implement > as_of:
        d.leave_out(f"{name} 尚未实施（实施日期 {implement} 晚于 {as_of}）：标准公告并执行后方予奖励 / not yet in force on {as_of}")
        return None
    trigger = _trigger(d, claims, publish, implement, params)
    if trigger is not None:
        kind_zh = "实施" if trigger == implement else "公告"
        if not d.window(*window_verdict(claims, params, trigger), f"{name} {kind_zh}", trigger):
            return None
    if lead is None:
        d.fail(Status.needs_evidence, f"{name} 无法确认申请人为牵头（第一起草）单位 / cannot tell whether the applicant led", missing=f"{code}: drafting_units")
    if publish is None or implement is None:
        d.fail(Status.needs_evidence, f"{name} 缺少公告或实施日期 / missing publication or implementation date", missing=f"{code}: publish_date/implement_date")
    if level is None:
        d.judge(f"{name} 的级别无法从编号判断，请认定（国际/国家/行业/地方）/ classify the level of {code}")
        return None
    amount = d.cp.levels[level].value
    d.step(f"{code} {LEVEL_ZH[level]} {yuan(amount)} 元", f"{code} {level} standard {yuan(amount)}", f"{code} {yuan(amount)}")
    return str(code), amount


def _industrial_internet(d: Draft, doc: DocumentClaims, name: str, params: Parameters) -> bool:
    """工业互联网技术标准 only: a reviewer's finding (`industrial_internet` on the notice)
    decides; else the title names an industrial-internet subject (parameters' keyword list);
    else a reviewer decides, and the standard's amount waits for them."""
    decided = doc.get("industrial_internet")
    if decided is not None and decided.value is not None and any(e.kind.value == "reviewer" for e in decided.evidence):
        d.note_input(f"{name}: industrial_internet", str(decided.value).lower(), list(decided.evidence))
        if decided.value is False:
            d.leave_out(f"{name} 经评审认定不是工业互联网标准 / a reviewer found it is not an industrial-internet standard")
        return decided.value is not False
    keywords = params.industrial_internet_keywords.value if params.industrial_internet_keywords else None
    if keywords is None:
        return True  # parameters from before the subject was checked
    title = doc.value("standard_title")
    if not title:
        d.judge(f"{name} 未读出标准名称，是否工业互联网标准须评审认定 / title not read: is it an industrial-internet standard?")
        return True
    d.note_input(f"{name}: standard_title", str(title), list(doc.get("standard_title").evidence))
    hit = next((k for k in keywords if k.lower() in str(title).lower()), None)
    if hit:
        d.step(f"《{title}》含“{hit}”，属工业互联网标准", f"the title names {hit}: an industrial-internet standard")
    else:
        d.judge(f"{name}《{title}》是否工业互联网技术标准（标题未见工业互联网主题词）/ is «{title}» an industrial-internet standard?")
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


def rewarded_standards(claims: ClaimSet, ledger: Ledger) -> set[str]:
    """Standards an earlier award of this applicant already paid for (`standard_code`, several
    joined by "; "; older awards named them as their project)."""
    out: set[str] = set()
    for a in ledger.granted():
        if a.clause_id == "art7.2" and a.credit_code == claims.applicant.credit_code and a.dossier_id != claims.dossier_id:
            out |= {c.strip() for c in re.split(r"[;；|,，]", a.standard_code or "") if c.strip()}
            out |= {a.project} if a.project and not a.standard_code else set()
    return {_norm(c).upper() for c in out}


def standards(claims: ClaimSet, ledger: Ledger, params: Parameters, *, as_of: dt.date | None = None) -> ClauseResult:
    d = Draft("art7.2", params)
    day = as_of_date(claims, as_of)
    notices = [doc for doc in documents_for(claims, "art7.2", params) if doc.doc_type == DocType.standard_notice]
    if not notices:
        d.fail(Status.needs_evidence, "缺少标准发布公告 / missing: standard publication notice", missing="standard_notice")
        return d.result()
    rewarded = rewarded_standards(claims, ledger)
    seen: set[str] = set()
    total = ZERO
    for doc in notices:
        if doc.error:
            d.fail(Status.needs_evidence, f"{doc.file_name}：文件无法读取 / file could not be read", missing=doc.file_name)
            continue
        one = _standard(d, doc, claims, day, params)
        if one is None:
            continue
        code, amount = one
        if _norm(code).upper() in seen or _norm(code).upper() in rewarded:
            d.steps_zh.pop(); d.steps_en.pop(); d.formula.pop()  # said again below as left out
            d.leave_out(f"标准 {code} 已计入（本申报重复或以往已奖励），不重复奖励 / standard {code} already counted")
            continue
        seen.add(_norm(code).upper())
        d.standard_codes.append(code)
        total += amount
    d.amount = q(total)
    if seen:
        d.step(f"合计 {yuan(d.amount)} 元", f"total {yuan(d.amount)}")
    elif d.status == Status.eligible:
        d.steps_zh.clear(); d.steps_en.clear()  # the reason below says it all once
        d.fail(Status.not_eligible, f"没有符合条件的标准（{'；'.join(zh(x) for x in d.left_out)}）/ "
                                    f"no standard qualifies ({'; '.join(en(x) for x in d.left_out)})")
    annual_cap(d, claims, ledger, as_of)
    return d.result()


CLAUSES = {"art7.1": assessment_services, "art7.2": standards}
