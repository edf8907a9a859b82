"""The report as HTML (page and print): template helpers shared by the page, the PDF and the archive."""
from __future__ import annotations

from decimal import Decimal

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from reports.charts import success_chart

GROUP_LABELS = {"tier": _l("tier"), "org": _l("organisation"), "mediator": _l("mediator"),
                "category": _l("dispute category"), "channel": _l("channel"), "month": _l("month"),
                "quarter": _l("quarter"), "year": _l("year")}
PRESET_LABELS = {"this_month": _l("This month"), "last_month": _l("Last month"),
                 "this_quarter": _l("This quarter"), "last_quarter": _l("Last quarter"),
                 "this_year": _l("This year"), "last_year": _l("Last year"), "custom": _l("Custom range")}


def pct(rate: str | None) -> str:
    return "—" if rate is None else f"{Decimal(rate) * 100:.2f}%"


def money(amount: str | None) -> str:
    return "—" if amount is None else f"{Decimal(amount):,.2f}"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def report_context(report: dict) -> dict:
    """What _report.html needs besides the report: formatters, the chart, the grouping's name."""
    group_label = str(GROUP_LABELS[report["group_by"]])
    return {"report": report, "pct": pct, "money": money, "days": days, "group_label": group_label,
            "chart": success_chart(report, _("Success rate by %(group)s", group=group_label))}


def title_for(report: dict) -> str:
    return _("Mediation statistics %(start)s to %(end)s", start=report["from"], end=report["to"])


def render_print_html(report: dict, lang: str) -> str:
    """The standalone A4 document WeasyPrint turns into the PDF (must run in a request context)."""
    def css_text(value: str) -> str:  # goes inside a CSS string in @page
        return value.replace("\\", "").replace('"', "'").replace("\n", " ")
    title = title_for(report)
    return render_template(
        "reports/print.html", lang=lang, title=title, generated_word=_("Generated"),
        header_left=css_text(f"{report['scope']['name']} · {report['from']} — {report['to']}"),
        header_right=css_text(_("Generated %(at)s", at=report["generated_at"])), **report_context(report))
