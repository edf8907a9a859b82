from datetime import date, datetime
from decimal import Decimal

import pytest

from mediation.validation import (
    FieldError,
    IdNumber,
    ValidationErrors,
    mask_id_number,
    parse_amount,
    parse_choice,
    parse_date,
    parse_id_number,
    parse_mobile,
    parse_text,
    parse_uscc,
)

TODAY = date(2025, 6, 1)


def code_of(fn, *args, **kwargs):
    with pytest.raises(FieldError) as info:
        fn(*args, **kwargs)
    err = info.value
    # Every error carries two complete, non-empty messages.
    assert err.message_en and err.message_zh and err.message_en != err.message_zh
    return err.code


# --- FieldError ----------------------------------------------------------------------
def test_field_error_messages_and_params():
    err = FieldError("x.too_long", "At most {n}.", "最多{n}个字。", n=5)
    assert isinstance(err, ValueError)
    assert err.message() == "最多5个字。"
    assert err.message("zh-CN") == err.message("zh_Hans") == "最多5个字。"
    assert err.message("en") == err.message("en-GB") == "At most 5."
    assert err.params == {"n": 5}
    assert str(err) == "At most 5."


# --- ID numbers (GB 11643-1999) ------------------------------------------------------
def test_constructed_id_number():
    # 110105 (Chaoyang, Beijing) + 19900307 + sequence 123; MOD 11-2 check digit = 9.
    idn = parse_id_number(" 110105 19900307 1239 ", today=TODAY)
    assert isinstance(idn, IdNumber)
    assert idn.value == "110105199003071239"
    assert idn.birth_date == date(1990, 3, 7)
    assert idn.sex == "male"  # 17th digit 3 is odd
    assert idn.masked == "110105********1239"
    assert idn.age_on(date(2025, 3, 6)) == 34
    assert idn.age_on(date(2025, 3, 7)) == 35
    with pytest.raises(AttributeError):
        idn.value = "x"  # frozen


def test_published_example_with_x_check_digit():
    idn = parse_id_number("11010519491231002x", today=TODAY)
    assert idn.value == "11010519491231002X"
    assert idn.birth_date == date(1949, 12, 31)
    assert idn.sex == "female"  # 17th digit 2 is even
    assert idn.masked == "110105********002X"
    assert idn.age_on(TODAY) == 75


def test_full_width_input_and_leap_day_birth():
    idn = parse_id_number("４４０３０４２００００２２９００２２", today=TODAY)
    assert idn.birth_date == date(2000, 2, 29)
    assert idn.sex == "female"
    assert idn.age_on(date(2018, 2, 28)) == 17
    assert idn.age_on(date(2018, 3, 1)) == 18


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "id_number.required"),
        ("   ", "id_number.required"),
        (None, "id_number.required"),
        ("11010519900307123", "id_number.format"),  # 17 characters
        ("1101051990030712399", "id_number.format"),  # 19 characters
        ("1101051990030712A9", "id_number.format"),
        ("X10105199003071239", "id_number.format"),
        ("990105199003071232", "id_number.region"),  # 99 is no province; checksum valid
        ("110105199002301231", "id_number.birth_date"),  # 30 February; checksum valid
        ("110105189912311237", "id_number.birth_date"),  # before 1900; checksum valid
        ("110105203001011231", "id_number.birth_date"),  # in the future; checksum valid
        ("110105199003071238", "id_number.checksum"),
        ("110105199003071249", "id_number.checksum"),  # sequence 123 -> 124, old check kept
        ("11010519491231002", "id_number.format"),
    ],
)
def test_id_number_errors(raw, code):
    assert code_of(parse_id_number, raw, today=TODAY) == code


def test_id_number_checksum_message():
    with pytest.raises(FieldError) as info:
        parse_id_number("110105199003071238", today=TODAY)
    assert info.value.message("zh") == "身份证号码校验位不正确，请核对后重新输入。"


def test_mask_id_number():
    assert mask_id_number("110105199003071239") == "110105********1239"
    assert mask_id_number("110105900307123") == "110105*****7123"  # old 15-digit form
    assert mask_id_number("12345") == "1***5"
    assert mask_id_number("ab") == "**"
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""


# --- Unified social credit codes (GB 32100-2015) -------------------------------------
@pytest.mark.parametrize(
    "code",
    [
        "914403001922038216",  # Huawei Technologies Co., Ltd.
        "91440300708461136T",  # Shenzhen Tencent Computer Systems Co., Ltd.
        "91110108551385082Q",  # Xiaomi Technology Co., Ltd. (Beijing)
        "91110105MA00000012",  # constructed: check char computed by hand
    ],
)
def test_uscc_valid(code):
    assert parse_uscc(code) == code


def test_uscc_normalises():
    assert parse_uscc(" 91440300708461136t ") == "91440300708461136T"


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "uscc.required"),
        ("91440300708461136", "uscc.format"),  # 17 characters
        ("91440300708461136I", "uscc.format"),  # I is not in the character set
        ("01440300708461136T", "uscc.format"),  # 0 is not a registration authority
        ("9144030070846113OT", "uscc.format"),
        ("9144A300708461136T", "uscc.format"),  # region must be digits
        ("914403001922038217", "uscc.checksum"),  # last char changed
        ("914403001922038316", "uscc.checksum"),  # one body char changed
        ("91440300708461136U", "uscc.checksum"),
    ],
)
def test_uscc_errors(raw, code):
    assert code_of(parse_uscc, raw) == code


# --- Mobile numbers ------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    ["13800138000", "+86 138-0013-8000", "8613800138000", "0086 13800138000", "138 0013 8000",
     "+8613800138000", "１３８００１３８０００"],
)
def test_mobile_valid(raw):
    assert parse_mobile(raw) == "13800138000"


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "mobile.required"),
        ("12800138000", "mobile.format"),  # second digit must be 3-9
        ("23800138000", "mobile.format"),
        ("1380013800", "mobile.format"),
        ("138001380001", "mobile.format"),
        ("+85 13800138000", "mobile.format"),
        ("010-12345678", "mobile.format"),
        ("1380013800a", "mobile.format"),
    ],
)
def test_mobile_errors(raw, code):
    assert code_of(parse_mobile, raw) == code


# --- Amounts -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0", "0.00"),
        ("12.5", "12.50"),
        ("12.50", "12.50"),
        (" 12500 ", "12500.00"),
        ("9999999999.99", "9999999999.99"),
        ("1.230", "1.23"),  # a trailing zero is not a third place
        (3000, "3000.00"),
        (Decimal("8.8"), "8.80"),
        ("-0", "0.00"),
    ],
)
def test_amount_valid(raw, expected):
    result = parse_amount(raw)
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("-1", "amount.negative"),
        (-5, "amount.negative"),
        ("1.234", "amount.places"),
        ("1e3", "amount.format"),
        ("NaN", "amount.format"),
        ("Infinity", "amount.format"),
        (Decimal("NaN"), "amount.format"),
        ("1,000", "amount.format"),
        ("1，000", "amount.format"),  # full-width comma
        (1.5, "amount.format"),
        (True, "amount.format"),
        ("¥100", "amount.format"),
        ("12.", "amount.format"),
        ("abc", "amount.format"),
        ("10000000000", "amount.too_large"),
        (10**10, "amount.too_large"),
        ("", "amount.required"),
        (None, "amount.required"),
    ],
)
def test_amount_errors(raw, code):
    assert code_of(parse_amount, raw) == code


def test_amount_messages_explain_commas_floats_and_maximum():
    with pytest.raises(FieldError) as info:
        parse_amount("1,000")
    assert "逗号" in info.value.message("zh") and "comma" in info.value.message("en")
    with pytest.raises(FieldError) as info:
        parse_amount(1.5)
    assert "浮点数" in info.value.message("zh") and "floating-point" in info.value.message("en")
    with pytest.raises(FieldError) as info:
        parse_amount("10000000000")
    assert "9,999,999,999.99" in info.value.message("zh")


# --- Dates ---------------------------------------------------------------------------
def test_date_valid():
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date(date(2025, 1, 2)) == date(2025, 1, 2)
    assert parse_date("2025-06-01", not_future=True, today=TODAY) == TODAY
    assert parse_date("2025-01-01", not_before=date(2025, 1, 1)) == date(2025, 1, 1)


@pytest.mark.parametrize(
    "raw, kwargs, code",
    [
        ("", {}, "date.required"),
        (None, {}, "date.required"),
        ("2026/02/01", {}, "date.format"),
        ("20260201", {}, "date.format"),
        ("2026-2-1", {}, "date.format"),
        ("yesterday", {}, "date.format"),
        ("2026-02-30", {}, "date.invalid"),
        ("2025-13-01", {}, "date.invalid"),
        ("2025-06-02", {"not_future": True, "today": TODAY}, "date.future"),
        (date(2030, 1, 1), {"not_future": True, "today": TODAY}, "date.future"),
        ("2024-12-31", {"not_before": date(2025, 1, 1)}, "date.too_early"),
    ],
)
def test_date_errors(raw, kwargs, code):
    assert code_of(parse_date, raw, **kwargs) == code


def test_date_future_message_names_today():
    with pytest.raises(FieldError) as info:
        parse_date("2025-06-02", not_future=True, today=TODAY)
    assert "2025-06-01" in info.value.message("zh")


def test_date_programming_errors():
    with pytest.raises(TypeError):
        parse_date("2025-01-01", not_future=True)  # today must be injected
    with pytest.raises(TypeError):
        parse_date(datetime(2025, 1, 1, 12, 0))


# --- Text and choices ----------------------------------------------------------------
def test_text():
    kw = dict(max_length=5, label_en="Applicant name", label_zh="申请人姓名")
    assert parse_text("  张三  ", **kw) == "张三"
    assert parse_text("", required=False, **kw) == ""
    assert parse_text(None, required=False, **kw) == ""
    assert parse_text("一二三四五", **kw) == "一二三四五"
    with pytest.raises(FieldError) as info:
        parse_text("   ", **kw)
    assert info.value.code == "text.required"
    assert info.value.message("zh") == "请填写申请人姓名。"
    assert info.value.message("en") == "Applicant name is required."
    with pytest.raises(FieldError) as info:
        parse_text("一二三四五六", **kw)
    assert info.value.code == "text.too_long"
    assert "申请人姓名" in info.value.message("zh") and "5" in info.value.message("zh")
    assert "Applicant name" in info.value.message("en") and "5" in info.value.message("en")


def test_choice():
    choices = {"wages": ("Unpaid wages", "拖欠工资"), "injury": ("Work injury", "工伤")}
    kw = dict(label_en="dispute type", label_zh="争议类型")
    assert parse_choice(" wages ", choices, **kw) == "wages"
    assert code_of(parse_choice, "", choices, **kw) == "choice.required"
    with pytest.raises(FieldError) as info:
        parse_choice("other", choices, **kw)
    assert info.value.code == "choice.invalid"
    assert "拖欠工资、工伤" in info.value.message("zh")
    assert "Unpaid wages, Work injury" in info.value.message("en")


# --- Collecting errors ---------------------------------------------------------------
def test_validation_errors_collects_paths_in_both_languages():
    errors = ValidationErrors()
    assert not errors
    with errors.field("applicants[0].id_number"):
        parse_id_number("110105199003071238", today=TODAY)
    with errors.field("applicants[0].mobile"):
        parse_mobile("12800138000")
    with errors.field("claims[1].amount"):
        parse_amount("1.234")
    with errors.field("applicants[1].mobile"):
        ok = parse_mobile("13800138000")  # no error: nothing recorded
    assert ok == "13800138000"

    assert errors and len(errors) == 3
    assert {p: e.code for p, e in errors.errors.items()} == {
        "applicants[0].id_number": "id_number.checksum",
        "applicants[0].mobile": "mobile.format",
        "claims[1].amount": "amount.places",
    }
    zh = errors.messages("zh")
    assert zh["applicants[0].id_number"] == "身份证号码校验位不正确，请核对后重新输入。"
    assert "两位小数" in zh["claims[1].amount"]
    en = errors.messages("en")
    assert "check digit" in en["applicants[0].id_number"]
    assert "two decimal places" in en["claims[1].amount"]
    assert errors.messages("zh-CN") == errors.messages()
    with pytest.raises(ValidationErrors) as info:
        if errors:
            raise errors
    assert "applicants[0].mobile: mobile.format" in str(info.value)


def test_validation_errors_first_error_per_path_wins_and_others_propagate():
    errors = ValidationErrors()
    errors.add("x", FieldError("a", "A.", "甲。"))
    errors.add("x", FieldError("b", "B.", "乙。"))
    assert errors.errors["x"].code == "a"
    with pytest.raises(TypeError):
        with errors.field("y"):
            parse_date("2025-01-01", not_future=True)
    assert "y" not in errors.errors


def test_amount_huge_values_are_too_large_not_crashes():
    assert code_of(parse_amount, "1" + "0" * 40) == "amount.too_large"
    assert code_of(parse_amount, "1" + "0" * 40 + ".001") == "amount.too_large"
    assert code_of(parse_amount, "0." + "0" * 40 + "1") == "amount.places"
