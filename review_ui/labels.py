"""Chinese labels for field names and document types (English stays visible beside them)."""
from __future__ import annotations

from core.facts import FACTS

FIELDS: dict[str, str] = {
    # invoice
    "invoice_kind": "发票种类",
    "invoice_code": "发票代码",
    "invoice_number": "发票号码",
    "issue_date": "开票日期",
    "buyer_name": "购买方名称",
    "buyer_tax_id": "购买方税号",
    "seller_name": "销售方名称",
    "seller_tax_id": "销售方税号",
    "items": "货物或服务明细",
    "amount_excl_tax": "金额（不含税）",
    "tax_amount": "税额",
    "total_amount": "价税合计 / 总金额",
    "total_amount_words": "价税合计（大写）",
    # contract
    "contract_number": "合同编号",
    "title": "标题",
    "party_a": "甲方",
    "party_b": "乙方",
    "signing_date": "签订日期",
    "signing_place": "签订地点",
    "term_start": "期限起",
    "term_end": "期限止",
    "subject": "标的",
    # standard notice
    "standard_code": "标准编号",
    "standard_title": "标准名称",
    "standards": "发布的标准",
    "level": "标准级别",
    "issuing_body": "发布机构",
    "publish_date": "发布日期",
    "implement_date": "实施日期",
    "drafting_units": "起草单位",
    "applicant_is_lead": "申请人为牵头单位",
    # licence, letter, capital
    "company_name": "企业名称",
    "credit_code": "统一社会信用代码",
    "address": "住所",
    "registered_capital": "注册资本",
    "established_date": "成立日期",
    "commitment_years": "承诺年限",
    "commitments": "承诺事项",
    "paid_in_capital": "实缴资本",
    "verification_date": "验资日期",
    "doc_type": "文件类型",
    "clauses": "适用条款",
}

DOC_TYPES: dict[str, str] = {
    "invoice": "发票",
    "contract": "合同",
    "standard_notice": "标准发布公告",
    "business_licence": "营业执照",
    "commitment_letter": "承诺书",
    "capital_verification": "验资报告",
    "receipt": "收款凭证（非发票）",
    "other": "其他",
}

STATUS_BADGES: dict[str, str] = {
    "eligible": "符合 eligible",
    "not_eligible": "不符合 not eligible",
    "needs_evidence": "缺材料 needs evidence",
    "needs_judgement": "需研判 needs judgement",
    "not_applied": "未申请 not applied",
}


def field_label(field: str) -> str:
    if field in FIELDS:
        return FIELDS[field]
    spec = FACTS.get(field)
    return spec.description_zh if spec else ""

ROLES = {"reviewer": "审核员", "approver": "审批人", "admin": "管理员"}
