"""The report as XLSX (one sheet per table, numbers as numbers) and CSV."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@")


def safe_text(value):
    """Strip a leading = + - @ from text so a spreadsheet never reads it as a formula (OWASP CSV injection)."""
    if isinstance(value, str):
        stripped = value.lstrip("".join(FORMULA_START) + "\t\r")
        return stripped
    return value


def _number(value):
    """Rates and amounts (decimal strings) as numbers; None stays an empty cell."""
    if value is None:
        return None
    return float(Decimal(value)) if isinstance(value, str) else value


def tables(report: dict, lang: str) -> list[tuple[str, list[str], list[list]]]:
    """The report's tables as (sheet name, header, rows); XLSX and CSV both write these."""
    en = lang == "en"
    rate_cols = ["key", "label", "concluded", "agreed", "rate"]
    s = report["summary"]
    return [
        ("success_rate", rate_cols,
         [[g["key"], g["label"], g["concluded"], g["agreed"], _number(g["rate"])] for g in report["groups"]]
         + [["overall", "Overall" if en else "总体（每案计一次）", report["overall"]["concluded"],
             report["overall"]["agreed"], _number(report["overall"]["rate"])]]),
        ("summary", ["figure", "value"],
         [[name, _number(value) if name.startswith(("amount", "first_round_share")) else value]
          for name, value in s.items()]),
        ("sla", ["kind", "label", "met", "breached", "rate"],
         [[r["kind"], r["label"], r["met"], r["breached"], _number(r["rate"])] for r in report["sla"]]),
        ("arbitration", ["outcome", "label", "cases"],
         [[r["outcome"], r["label"], r["cases"]] for r in report["arbitration"]]),
        ("about", ["field", "value"],
         [["from", report["from"]], ["to", report["to"]], ["group_by", report["group_by"]],
          ["organisation", report["scope"]["name"]], ["generated_at", report["generated_at"]]]),
    ]


def render_xlsx(report: dict, lang: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, header, rows in tables(report, lang):
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append([safe_text(cell) for cell in row])
        for column, width in zip("ABCDE", (18, 28, 12, 12, 10)):
            sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_csv(report: dict, lang: str) -> bytes:
    """All tables in one CSV, each preceded by its name; UTF-8 with BOM so Excel reads Chinese."""
    out = io.StringIO()
    writer = csv.writer(out)
    for name, header, rows in tables(report, lang):
        writer.writerow([f"# {name}"])
        writer.writerow(header)
        writer.writerows([[safe_text("" if cell is None else cell) for cell in row] for row in rows])
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
