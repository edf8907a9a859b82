"""Message texts: one Jinja file per message and language under templates/notifications/<lang>/.

Each file has up to three blocks: `subject` (e-mail subject, in-app title), `sms` (one short line)
and `body` (e-mail and in-app text). The SMS carries the carrier signature and its part count.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from mediation.config import ROOT

TEMPLATE_DIR = ROOT / "templates" / "notifications"
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Text:
    subject: str
    sms: str
    body: str


def lang_of(value: str | None) -> str:
    return "en" if (value or "").lower().startswith("en") else "zh"


def format_date(value, lang: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if lang == "en":
            return value.strftime("%Y-%m-%d %H:%M")
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, date):
        return value.isoformat() if lang == "en" else f"{value.year}年{value.month}月{value.day}日"
    return str(value)


@pass_context
def _date_filter(context, value):
    return format_date(value, context.get("lang", "zh"))


@lru_cache(maxsize=1)
def environment() -> Environment:
    # StrictUndefined: a template naming a value the outbox does not give fails in the tests, not in a text.
    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=False, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["date"] = _date_filter
    return env


def render(template: str, lang: str, context: dict) -> Text:
    """Render a message's blocks in `lang` ("zh" or "en")."""
    lang = lang_of(lang)
    tmpl = environment().get_template(f"{lang}/{template}.txt")
    ctx = tmpl.new_context({**context, "lang": lang})

    def block(name: str) -> str:
        return "".join(tmpl.blocks[name](ctx)).strip() if name in tmpl.blocks else ""
    lines = [line.strip() for line in block("sms").splitlines() if line.strip()]
    sms = (" " if lang == "en" else "").join(lines)
    return Text(subject=" ".join(block("subject").split()), sms=sms, body=block("body"))


def template_names() -> list[str]:
    return sorted(p.stem for p in (TEMPLATE_DIR / "zh").glob("*.txt"))
