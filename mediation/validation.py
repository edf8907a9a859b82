"""Field validators for user input: each returns a normalised value or raises FieldError.

Stdlib only. Messages come in English and Chinese; the web layer picks one with
``FieldError.message(lang)``. Full-width characters (１２３、Ｘ、，) are folded to ASCII
with NFKC first, since Chinese input methods produce them routinely.
"""
from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterator


class FieldError(ValueError):
    """A user-facing validation error with a stable code and bilingual message."""

    def __init__(self, code: str, message_en: str, message_zh: str, **params: Any) -> None:
        self.code = code
        self.params = params
        self.message_en = message_en.format(**params) if params else message_en
        self.message_zh = message_zh.format(**params) if params else message_zh
        super().__init__(self.message_en)

    def message(self, lang: str | None = "zh") -> str:
        """Return the message in Chinese for "zh*" (the default), otherwise English."""
        if not lang or lang.lower().replace("_", "-").startswith("zh"):
            return self.message_zh
        return self.message_en

    def __repr__(self) -> str:
        return f"FieldError({self.code!r}, {self.message_en!r})"


def _compact(value: str) -> str:
    """Fold full-width characters to ASCII and remove all whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


# --- Resident ID number (GB 11643-1999) -------------------------------------------
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # ISO 7064 MOD 11-2: sum mod 11 -> check character
# First two digits: province-level codes (GB/T 2260) incl. 71 Taiwan; 81/82/83 are used by
# residence permits for Hong Kong/Macao/Taiwan residents, 91 by foreigners' permanent residence IDs.
_PROVINCES = frozenset({*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
                        *range(50, 55), *range(61, 66), 71, 81, 82, 83, 91})


def mask_id_number(value: str | None) -> str:
    """Mask an ID number for display: first 6 + asterisks + last 4 (short values: first 1 + last 1)."""
    s = _compact(value or "")
    if len(s) > 10:
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    if len(s) <= 2:
        return "*" * len(s)
    return s[0] + "*" * (len(s) - 2) + s[-1]


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    sex: str  # "male" / "female"

    @property
    def masked(self) -> str:
        return mask_id_number(self.value)

    def age_on(self, day: date) -> int:
        """Return the age in whole years on the given day."""
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def parse_id_number(value: str | None, *, today: date | None = None) -> IdNumber:
    """Validate an 18-character mainland resident ID number and return its parsed form."""
    s = _compact(value or "")
    if not s:
        raise FieldError("id_number.required", "Please enter the ID card number.", "请输入身份证号码。")
    s = s[:-1] + s[-1].upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", s):
        raise FieldError(
            "id_number.format",
            "The ID card number must be 18 characters: 17 digits followed by a digit or X.",
            "身份证号码应为18位，由17位数字和最后1位数字或X组成，请核对后重新输入。",
        )
    if int(s[:2]) not in _PROVINCES:
        raise FieldError(
            "id_number.region",
            "The first two digits of the ID card number are not a valid province code. Please check it.",
            "身份证号码前两位不是有效的省级行政区划代码，请核对后重新输入。",
        )
    # GB 11643-1999: digits 7-14 are the birth date YYYYMMDD.
    today = today or date.today()
    try:
        birth = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > today:
        raise FieldError(
            "id_number.birth_date",
            "The birth date in the ID card number (digits 7-14: {digits}) is not a valid birth date. "
            "Please check it.",
            "身份证号码中的出生日期（第7至14位：{digits}）不是有效的出生日期，请核对后重新输入。",
            digits=s[6:14],
        )
    if _ID_CHECK[sum(int(c) * w for c, w in zip(s, _ID_WEIGHTS)) % 11] != s[17]:
        raise FieldError(
            "id_number.checksum",
            "The check digit of the ID card number is incorrect. Please check it and enter it again.",
            "身份证号码校验位不正确，请核对后重新输入。",
        )
    # The 17th digit is the sequence code: odd for men, even for women.
    return IdNumber(value=s, birth_date=birth, sex="male" if int(s[16]) % 2 else "female")


# --- Unified social credit code (GB 32100-2015) -----------------------------------
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V; value = index
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3^i mod 31
# Authority code, type code, 6-digit region (GB/T 2260), 9-char organisation code, check char.
_USCC_RE = re.compile(f"[123456789ANY][1-9A-HJ-NPQRTUWXY][0-9]{{6}}[{_USCC_CHARS}]{{10}}")


def parse_uscc(value: str | None) -> str:
    """Validate an 18-character unified social credit code and return it upper-cased."""
    s = _compact(value or "").upper()
    if not s:
        raise FieldError("uscc.required", "Please enter the unified social credit code.", "请输入统一社会信用代码。")
    if not _USCC_RE.fullmatch(s):
        raise FieldError(
            "uscc.format",
            "The unified social credit code must be 18 characters of digits and capital letters "
            "(I, O, Z, S and V are never used). Please check it.",
            "统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、Z、S、V），请核对后重新输入。",
        )
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(s, _USCC_WEIGHTS))
    if _USCC_CHARS[(31 - total % 31) % 31] != s[17]:
        raise FieldError(
            "uscc.checksum",
            "The check character of the unified social credit code is incorrect. Please check it.",
            "统一社会信用代码校验位不正确，请核对营业执照后重新输入。",
        )
    return s


# --- Mobile phone -------------------------------------------------------------------
def parse_mobile(value: str | None) -> str:
    """Validate a mainland mobile number (optional +86/86/0086 prefix) and return its 11 digits."""
    s = _compact(value or "").replace("-", "")
    if not s:
        raise FieldError("mobile.required", "Please enter a mobile phone number.", "请输入手机号码。")
    m = re.fullmatch(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})", s)
    if not m:
        raise FieldError(
            "mobile.format",
            "The mobile phone number is not valid: it must be 11 digits starting with 1, e.g. 13800138000.",
            "手机号码格式不正确，应为以1开头的11位数字，例如13800138000。",
        )
    return m.group(1)


# --- Money amounts (yuan) -----------------------------------------------------------
AMOUNT_MAX = Decimal("9999999999.99")
_CENT = Decimal("0.01")


def _amount_format(en: str = "The amount is not a valid number. Enter it like 12500 or 12500.50.",
                   zh: str = "金额格式不正确，请输入数字，例如12500或12500.50。") -> FieldError:
    return FieldError("amount.format", en, zh)


def parse_amount(value: str | int | Decimal | None) -> Decimal:
    """Validate an amount in yuan (string, int or Decimal; never float) and return it to the cent."""
    if isinstance(value, float):
        raise _amount_format(
            "The amount must be sent as text or a whole number, not a floating-point number, "
            "because floats cannot represent cents exactly.",
            "金额须以文本或整数形式提交，不能使用浮点数，否则分位可能出现误差。",
        )
    if isinstance(value, bool):
        raise _amount_format()
    if isinstance(value, (int, Decimal)):
        d = Decimal(value)
        if not d.is_finite():
            raise _amount_format()
    else:
        if value is not None and not isinstance(value, str):
            raise _amount_format()
        s = _compact(value or "")
        if not s:
            raise FieldError("amount.required", "Please enter an amount.", "请输入金额。")
        if "," in s:
            raise _amount_format(
                "Do not use commas in the amount: enter 10000, not 10,000.",
                "金额中请不要使用千分位逗号，例如应输入10000，而不是10,000。",
            )
        # Plain decimal notation only: no exponent, NaN, Infinity or currency signs.
        if not re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", s):
            raise _amount_format()
        d = Decimal(s)
    if d < 0:
        raise FieldError("amount.negative", "The amount cannot be negative.", "金额不能为负数。")
    if d > AMOUNT_MAX:  # checked before places: quantize() fails on huge values
        raise FieldError(
            "amount.too_large",
            "The amount cannot exceed {max} yuan.",
            "金额不能超过{max}元。",
            max=f"{AMOUNT_MAX:,}",
        )
    if d != d.quantize(_CENT, rounding="ROUND_DOWN"):
        raise FieldError(
            "amount.places",
            "The amount can have at most two decimal places (to the cent).",
            "金额最多保留两位小数（精确到分）。",
        )
    return abs(d).quantize(_CENT)  # abs() folds -0 into 0


# --- Dates --------------------------------------------------------------------------
def parse_date(value: str | date | None, *, not_future: bool = False, today: date | None = None,
               not_before: date | None = None) -> date:
    """Validate an ISO YYYY-MM-DD date (string or date) and return it as a date."""
    if not_future and today is None:
        raise TypeError("parse_date(not_future=True) requires today= (use the injectable clock)")
    if isinstance(value, datetime):
        raise TypeError("parse_date() takes a date or an ISO string, not a datetime")
    if isinstance(value, date):
        d = value
    else:
        s = "" if value is None else _compact(str(value))
        if not s:
            raise FieldError("date.required", "Please enter a date.", "请填写日期。")
        m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", s)
        if not m:
            raise FieldError(
                "date.format",
                "The date must be written as YYYY-MM-DD, e.g. 2024-03-15.",
                "日期格式不正确，请按“年-月-日”填写，例如2024-03-15。",
            )
        try:
            d = date(*(int(g) for g in m.groups()))
        except ValueError:
            raise FieldError(
                "date.invalid",
                "{value} is not a real date. Please check the month and day.",
                "{value}不是有效日期，请检查月份和日期。",
                value=s,
            ) from None
    if not_future and d > today:
        raise FieldError(
            "date.future",
            "The date cannot be later than today ({today}).",
            "日期不能晚于今天（{today}）。",
            today=today.isoformat(),
        )
    if not_before is not None and d < not_before:
        raise FieldError(
            "date.too_early",
            "The date cannot be earlier than {not_before}.",
            "日期不能早于{not_before}。",
            not_before=not_before.isoformat(),
        )
    return d


# --- Free text and choices ----------------------------------------------------------
def parse_text(value: str | None, *, required: bool = True, max_length: int,
               label_en: str, label_zh: str) -> str:
    """Strip a text field and check that it is present (if required) and not too long."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"parse_text() expects a str, got {type(value).__name__}")
    s = (value or "").strip()
    if required and not s:
        raise FieldError("text.required", "{label_en} is required.", "请填写{label_zh}。",
                         label_en=label_en, label_zh=label_zh)
    if len(s) > max_length:
        raise FieldError(
            "text.too_long",
            "{label_en} can be at most {max_length} characters long (currently {length}).",
            "{label_zh}最多{max_length}个字，当前为{length}个字，请精简后再提交。",
            label_en=label_en, label_zh=label_zh, max_length=max_length, length=len(s),
        )
    return s


def parse_choice(value: str | None, choices: dict[str, tuple[str, str]], *,
                 label_en: str, label_zh: str) -> str:
    """Check that the value is one of the allowed choice keys and return it."""
    s = "" if value is None else str(value).strip()
    if not s:
        raise FieldError("choice.required", "Please choose the {label_en}.", "请选择{label_zh}。",
                         label_en=label_en, label_zh=label_zh)
    if s not in choices:
        raise FieldError(
            "choice.invalid",
            "The selected {label_en} is not one of the options ({options_en}). Please choose again.",
            "所选的{label_zh}不在可选范围内（{options_zh}），请重新选择。",
            label_en=label_en, label_zh=label_zh,
            options_en=", ".join(en for en, _ in choices.values()),
            options_zh="、".join(zh for _, zh in choices.values()),
        )
    return s


# --- Collecting errors --------------------------------------------------------------
class ValidationErrors(Exception):
    """Field errors collected by path, e.g. "applicants[0].id_number"; raise it when non-empty."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: dict[str, FieldError] = {}

    def add(self, path: str, err: FieldError) -> None:
        """Record an error for a path; the first error for a path wins."""
        self.errors.setdefault(path, err)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    def messages(self, lang: str | None = "zh") -> dict[str, str]:
        """Return {path: message} in the given language."""
        return {path: err.message(lang) for path, err in self.errors.items()}

    @contextmanager
    def field(self, path: str) -> Iterator[None]:
        """Record a FieldError raised inside the block under path instead of propagating it."""
        try:
            yield
        except FieldError as err:
            self.add(path, err)

    def __str__(self) -> str:
        return "; ".join(f"{p}: {e.code}" for p, e in self.errors.items()) or "no errors"
