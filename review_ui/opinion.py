"""审核意见: the printable opinion on a confirmed dossier (PDF, reportlab, CJK font embedded).

It says what was decided and on what: each clause with its amount, formula and evidence
references, the total, who reviewed (corrected) and who approved (confirmed), when, and the
rule-set stamp. Written once at confirmation and archived beside the assessment JSON
(DOSSIER_HOME/out/<dossier>/), so what was signed can be printed again unchanged.
"""
from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core import home
from core.atomic import write_atomic
from core.models import Assessment, Status
from core.store import DecisionRow, DossierRow, Store
from review_ui.labels import STATUS_BADGES

FONT_FILES = ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]
FONT = "WenQuanYi"
BEIJING = dt.timezone(dt.timedelta(hours=8))


class OpinionError(RuntimeError):
    """No opinion can be made (not confirmed, or no CJK font installed)."""


@lru_cache(maxsize=1)
def _font() -> str:
    # TrueType, so reportlab embeds the glyphs used (a subset): the PDF prints anywhere.
    for path in FONT_FILES:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
            return FONT
    raise OpinionError(f"没有中文字体 — no CJK font at {FONT_FILES[0]}; run scripts/setup.sh (fonts-wqy-microhei)")


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1, spaceAfter=4),
        "h": ParagraphStyle("h", parent=base, fontSize=12, leading=18, spaceBefore=8, spaceAfter=3),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#555555")),
    }


def _when(t: dt.datetime) -> str:
    aware = t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _yuan(amount) -> str:
    return f"¥{amount:,.2f}"


def opinion_path(dossier_id: str, decision_id: int) -> Path:
    return home.sub("out") / dossier_id / f"opinion-{decision_id}.pdf"


def _confirmation(store: Store, dossier_id: str) -> tuple[DossierRow, DecisionRow, Assessment]:
    row = store.dossier(dossier_id)
    if row is None or row.status != "confirmed":
        raise OpinionError("案卷尚未确认 — the dossier is not confirmed; the opinion is made once it is")
    decision = [d for d in store.decisions(dossier_id) if d.action == "confirm"][-1]
    confirmed = next((a for i, _, a in store.assessments(dossier_id) if i == decision.assessment_id), None)
    if confirmed is None:
        raise OpinionError("确认时没有评估 — the confirmation names no assessment")
    return row, decision, confirmed


def render_opinion(store: Store, dossier_id: str) -> bytes:
    row, decision, a = _confirmation(store, dossier_id)
    st = _styles()
    p = lambda text, style="base": Paragraph(escape(str(text)), st[style])  # noqa: E731
    corrections = store.corrections(dossier_id)
    reviewers = list(dict.fromkeys(c.reviewer for c in corrections))
    story = [
        p("审 核 意 见", "title"),
        p(f"《广州市黄埔区 广州开发区促进工业互联网产业发展办法》（穗埔府规〔2019〕9号）", "small"),
        Spacer(0, 4 * mm),
        _grid([
            [p("案卷"), p(f"{row.name}（{row.id}）")],
            [p("申请单位"), p(a.applicant.name or row.applicant_name or "—")],
            [p("统一社会信用代码"), p(a.applicant.credit_code or row.credit_code or "—")],
            [p("申报年度"), p(a.year or "—")],
            [p("接收日期"), p(_when(row.received_at))],
        ], [32 * mm, 138 * mm]),
        p("一、审核结果（按条款）", "h"),
    ]
    rows = [[p("条款"), p("结论"), p("金额"), p("计算与依据")]]
    for r in a.results:
        if r.status == Status.not_applied:
            continue
        basis = [f"算式：{r.formula}"] if r.formula else []
        basis += [f"{i.name} = {i.value}：" + "；".join(ev.cite() for ev in i.evidence) if i.evidence else f"{i.name} = {i.value}"
                  for i in r.inputs]
        basis += [f"上限 {c.name} {_yuan(c.limit)}" + ("（起作用）" if c.bound else "") for c in r.caps]
        basis += [f"理由：{m}" for m in r.reasons] + [f"缺少：{m}" for m in r.missing]
        rows.append([p(f"{r.clause_id}\n{r.title}"), p(STATUS_BADGES.get(r.status.value, r.status.value)),
                     p(_yuan(r.amount)), Paragraph("<br/>".join(escape(b) for b in basis) or "—", st["small"])])
    rows.append([p("合计"), p(""), p(_yuan(a.total)), p("")])
    story += [_grid(rows, [30 * mm, 24 * mm, 26 * mm, 90 * mm], header=True)]
    story += [
        p("二、审核与审批", "h"),
        _grid([
            [p("审核（修改）人"), p("、".join(reviewers) or "（未作修改）"),
             p("修改"), p(f"{len(corrections)} 处" + (f"，最后 {_when(corrections[-1].at)}" if corrections else ""))],
            [p("审批（确认）人"), p(decision.reviewer), p("确认时间"), p(_when(decision.at))],
            [p("审批意见"), p(decision.comment or "同意"), p(""), p("")],
        ], [30 * mm, 60 * mm, 22 * mm, 58 * mm]),
        p("三、规则版本", "h"),
        p(f"规则集 rule set：{a.rule_set_version}", "small"),
        p(f"参数 parameters：{a.parameters_source or '—'}；评估 #{decision.assessment_id}，计算日 {a.created_at:%Y-%m-%d}", "small"),
        Spacer(0, 10 * mm),
        p(f"审核人（签字）：__________　　审批人（签字）：__________　　日期：{_when(decision.at)[:10]}"),
    ]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
                      title=f"审核意见 {row.name}", author=decision.reviewer, subject=a.rule_set_version).build(story)
    return out.getvalue()


def _grid(rows, widths, header: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(style))
    return table


def archive_opinion(store: Store, dossier_id: str) -> Path:
    """Make the opinion of the latest confirmation and keep it beside the assessment JSON."""
    _, decision, _ = _confirmation(store, dossier_id)
    path = opinion_path(dossier_id, decision.id)
    write_atomic(path, render_opinion(store, dossier_id))
    return path


def archived_opinion(store: Store, dossier_id: str) -> Path:
    """The archived opinion of the latest confirmation (made now if it is missing)."""
    _, decision, _ = _confirmation(store, dossier_id)
    path = opinion_path(dossier_id, decision.id)
    return path if path.exists() else archive_opinion(store, dossier_id)
