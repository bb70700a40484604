"""The vocabulary of ClaimSet.facts: what no page states, declared by the applicant in the
manifest or entered by a reviewer.

A fact is a Claim whose `field` is one of the names below and whose `value_type` is the
one given here. The rules read facts only through these names, so a manifest key or a
reviewer form field outside this table is reported, never silently used.

`judgement` marks facts that record a decision of the district (经评定, 良好应用效果,
高价值高质量): an applicant's own declaration of such a fact is not a decision, so the rules
treat it as settled only when its evidence comes from a reviewer or a document.
"""
from __future__ import annotations

from core.models import Model, ValueType


class FactSpec(Model):
    value_type: ValueType
    description_zh: str
    description_en: str
    clauses: list[str]
    judgement: bool = False  # a district decision, never settled by the applicant's word


def _f(value_type: ValueType, zh: str, en: str, clauses: list[str], judgement: bool = False) -> FactSpec:
    return FactSpec(value_type=value_type, description_zh=zh, description_en=en, clauses=clauses, judgement=judgement)


B, M, I, D, T, L = ValueType.boolean, ValueType.money, ValueType.integer, ValueType.date, ValueType.text, ValueType.list

FACTS: dict[str, FactSpec] = {
    # 第二条 适用范围 (gate)
    "in_district": _f(B, "工商注册地、税务征管关系及统计关系在本区", "registered, taxed and counted for statistics in the district", ["art2"]),
    "independent_legal_person": _f(B, "具有独立法人资格、实行独立核算", "independent legal person with separate accounts", ["art2"]),
    "tax_in_district": _f(B, "税务征管关系在本区（税务登记）", "tax administration relation in the district", ["art2"]),
    "statistics_in_district": _f(B, "统计关系在本区", "statistics relation in the district", ["art2"]),
    # who the applicant is
    "sme": _f(B, "中小企业", "small or medium enterprise", ["art4.2"]),
    "industrial_enterprise": _f(B, "工业（制造业）企业", "industrial (manufacturing) enterprise", ["art4.2", "art4.3"]),
    "service_provider": _f(B, "工业互联网服务商", "industrial-internet service provider", ["art3"]),
    # 第三条
    "newly_settled": _f(B, "新落户本区", "newly settled in the district", ["art3"]),
    "settlement_date": _f(D, "落户日期", "date of settlement in the district", ["art3"]),
    "paid_in_capital": _f(M, "实缴注册资本", "paid-in registered capital", ["art3"]),
    # 第四条
    "device_count": _f(I, "上平台设备台（套）数", "number of devices put on a platform", ["art4.1"]),
    "device_onboarding_costs": _f(M, "设备上平台实际费用合计", "actual onboarding costs of those devices, total", ["art4.1"]),
    "benchmark_evaluated": _f(B, "经评定应用效果明显、具有标杆示范意义", "evaluated as an effective benchmark project", ["art4.3"], judgement=True),
    "project_investment": _f(M, "项目总投资金额", "total project investment", ["art4.3", "art5.1"]),
    # 第五条
    "identifier_app": _f(B, "开展工业互联网标识解析创新应用", "runs an identifier-resolution innovation application", ["art5.1"]),
    "node_participation_investment": _f(M, "参与建设标识解析二级节点投资额", "investment in building a secondary identifier node", ["art5.2"]),
    "node": _f(T, "标识解析二级节点名称（同一节点不重复给予最高额）", "the secondary node's name (one cap per node)", ["art5.2"]),
    "node_good_effect": _f(B, "二级节点取得良好应用效果", "the secondary node shows good application results", ["art5.2"], judgement=True),
    # 第六条
    "platform_investment": _f(M, "平台建设总投入", "total platform construction investment", ["art6.1", "art6.2"]),
    "platform_kind": _f(T, "平台类型：cross_industry 跨行业跨领域 / industry 特定行业", "platform kind: cross_industry or industry", ["art6.1", "art6.2"]),
    "platform": _f(T, "平台名称（同一平台不重复给予最高额）", "the platform's name (one cap per platform)", ["art6.1", "art6.2"]),
    "platform_good_effect": _f(B, "平台取得良好应用效果", "the platform shows good application results", ["art6.1", "art6.2"], judgement=True),
    "resource_pool_listed": _f(B, "纳入广东省工业互联网产业生态供给资源池", "listed in the Guangdong industrial-internet supply resource pool", ["art6.3"]),
    "rd_cost": _f(M, "核心产品研发费用", "R&D costs of the core product", ["art6.3"]),
    # 第七条
    "recognised_provider": _f(T, "经本区认定的服务商名称（发票销售方须为该服务商）", "the recognised provider's name; the invoices' seller must be it", ["art7.1"]),
    "provider_recognised": _f(B, "服务商经本区认定", "the service provider is recognised by the district", ["art7.1"]),
    # 第八条、第九条
    "app_evaluated": _f(B, "经评定为具有行业竞争力的高价值、高质量工业APP", "evaluated as a high-value, high-quality industrial APP", ["art8"], judgement=True),
    "security_evaluated": _f(B, "工业信息安全产品通过安全评估", "the security product passed a security evaluation", ["art9"]),
    "on_market": _f(B, "产品已投入市场", "the product is on the market", ["art9"]),
    # 第十条
    "other_awards": _f(L, "同一项目已获其他扶持：每项写作“项目|政策|金额”，如“智能工厂|穗埔府规〔2020〕1号|300000”",
                       "awards for the same project under other policies, each 'project|policy|amount'", ["art10"]),
    "project": _f(T, "项目名称（第十条据此认定同一项目）", "project name; art10 groups awards by it", ["art10"]),
    # A reviewer's choice between readings the text leaves open (rules/README.md lists them),
    # each "reading id=choice", e.g. "art10.ledger_mode=highest_only". Only a reviewer's counts.
    "readings_decided": _f(L, "评审对政策理解分歧的选择：每项写作“编号=选择”", "a reviewer's choices between readings, each 'id=choice'",
                           ["art2", "art3", "art4.1", "art4.2", "art4.3", "art5.1", "art5.2", "art6.1", "art6.2", "art6.3",
                            "art7.1", "art7.2", "art10"], judgement=True),
}
