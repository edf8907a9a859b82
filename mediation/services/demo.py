"""The demo data set of `flask seed-demo`: the organisation tree, one account per role and ~40 cases
spread over every state and tier, with figures inside DOMAIN.md §7 (wages ~30% of causes, amounts of
a few tens of thousands of yuan, a collective dispute, most rounds settled)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from flask import current_app

from mediation.services.actors import WorkerActor
from mediation.services.filing import file_complaint
from mediation.services.lifecycle import fire
from mediation.services.orgs import create_org, create_user
from mediation.sla import clock

STATIONS = [("S01", "经开区第一工会服务站", "0571-86010001"), ("S02", "经开区第二工会服务站", "0571-86020002")]
ENTERPRISES = [
    ("E01", "华芯电子（杭州）有限公司劳动争议调解委员会", "S01", "91330101MA2B000015"),
    ("E02", "瑞丰物流有限公司劳动争议调解委员会", "S01", None),
    ("E03", "恒达精密机械有限公司劳动争议调解委员会", "S02", None),
    ("E04", "绿源食品有限公司劳动争议调解委员会", "S02", None),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"]
CLAIMS = {
    "wages": ("支付拖欠工资", 8000, 60000), "social_insurance": ("补缴社会保险费", 5000, 40000),
    "termination": ("支付违法解除劳动合同赔偿金", 20000, 120000), "work_injury": ("支付工伤医疗费及伤残补助金", 30000, 200000),
    "overtime": ("支付加班费", 3000, 30000), "severance": ("支付经济补偿金", 10000, 90000), "other": ("出具离职证明", 0, 0),
}
EMPLOYERS = {"E01": "华芯电子（杭州）有限公司", "E02": "瑞丰物流有限公司", "E03": "恒达精密机械有限公司",
             "E04": "绿源食品有限公司"}
# Each path: where the case is filed and the triggers it walks (None: the station covering the zone).
PATHS = [
    ("E01", []), ("E02", []), ("E03", ["accept"]), ("E04", ["accept"]), ("E01", ["accept", "agree"]),
    ("E02", ["accept", "agree", "confirm_performance"]), ("E03", ["accept", "agree", "confirm_performance"]),
    ("E04", ["accept", "agree", "confirm_performance"]), ("E01", ["accept", "agree", "confirm_performance"]),
    ("E02", ["reject"]), ("E03", ["withdraw"]), ("E04", ["accept", "fail"]),
    ("E01", ["accept", "fail", "escalate"]), ("E02", ["accept", "fail", "escalate", "accept"]),
    ("E03", ["accept", "fail", "escalate", "accept", "agree"]),
    ("E04", ["accept", "fail", "escalate", "accept", "agree", "confirm_performance"]),
    (None, []), (None, ["accept"]), (None, ["accept", "agree", "confirm_performance"]),
    (None, ["accept", "agree", "confirm_performance"]), (None, ["accept", "agree"]), (None, ["accept", "fail"]),
    (None, ["accept", "fail", "escalate"]), (None, ["accept", "fail", "escalate", "accept"]),
    (None, ["accept", "fail", "escalate", "accept", "agree", "confirm_performance"]),
    (None, ["accept", "fail", "escalate", "accept", "fail"]),
    ("E01", ["accept", "fail", "escalate", "accept", "fail", "escalate", "accept", "fail", "hand_to_arbitration"]),
    (None, ["accept", "fail", "escalate", "accept", "fail", "hand_to_arbitration", "arbitration_receive"]),
    (None, ["accept", "fail", "escalate", "accept", "fail", "hand_to_arbitration", "arbitration_receive",
            "arbitration_close"]),
    (None, ["accept", "fail", "escalate", "accept", "fail", "hand_to_arbitration", "arbitration_return"]),
    ("E02", ["accept", "agree", "report_non_performance", "hand_to_arbitration"]),
    ("E03", ["accept", "extend"]), (None, ["accept", "withdraw"]), ("E04", ["accept", "agree", "confirm_performance"]),
    ("E01", ["accept", "agree", "confirm_performance"]), (None, ["accept", "agree", "confirm_performance"]),
    ("E02", ["accept", "fail", "escalate", "accept", "agree", "confirm_performance"]), ("E03", ["accept"]),
    (None, ["reject", "escalate"]), ("E04", ["accept", "agree"]),
]
TRIGGER_DATA = {
    "reject": {"reason": "申请事项不属于劳动争议调解受理范围，建议向上一级调解组织申请。"},
    "agree": {"terms": "被申请人于履行期限内一次性支付申请人上述款项，双方再无其他劳动争议。"},
    "fail": {"reason": "双方对赔偿金额分歧较大，经多次调解未能达成一致。"},
    "withdraw": {"reason": "申请人与用人单位自行协商解决。"},
    "extend": {"days": 10, "consent_note": "双方当事人书面同意延长调解期限。"},
    "report_non_performance": {"note": "履行期限届满，用人单位未按协议支付。"},
    "hand_to_arbitration": {"worker_choice": True},
    "arbitration_receive": {"arbitration_case_no": "经开劳人仲案字〔2026〕第128号"},
    "arbitration_close": {"outcome": "award"},
    "arbitration_return": {"instructions": "委派总工会调解中心调解，请于期限内反馈结果。"},
}


def id_number(rng: random.Random, birth: datetime, male: bool) -> str:
    """A valid resident ID number (GB 11643-1999 check digit) for demo parties."""
    body = f"330106{birth:%Y%m%d}{rng.randint(10, 99)}{rng.choice('13579' if male else '02468')}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def _complaint(rng: random.Random, org_code: str | None, collective: bool, when: datetime) -> dict:
    count = 12 if collective else 1
    applicants = []
    for i in range(count):
        male = rng.random() < 0.6
        birth = datetime(rng.randint(1968, 2003), rng.randint(1, 12), rng.randint(1, 28))
        applicants.append({"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "id_number": id_number(rng, birth, male),
                           "phone": f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
                           "address": f"杭州市钱塘区{rng.choice(['白杨', '下沙', '河庄'])}街道{rng.randint(1, 300)}号",
                           "representative": collective and i < 2})
    category = rng.choices(list(CLAIMS), weights=[30, 20, 15, 8, 12, 10, 5])[0]
    item, low, high = CLAIMS[category]
    amount = round(rng.lognormvariate(0, 0.5) * (low + high) / 2, 2) if high else 0
    employer = EMPLOYERS.get(org_code) or rng.choice(list(EMPLOYERS.values()))
    return {"applicants": applicants, "org": org_code,
            "respondent": {"name": employer, "address": "杭州经济技术开发区", "contact": "0571-8600" + str(rng.randint(1000, 9999))},
            "categories": [category], "claims": [{"item": item, "amount": f"{min(amount, 9_999_999):.2f}"}],
            "facts": f"申请人在被申请人处工作，{item}事宜经协商未果，现申请调解。",
            "dispute_date": (when - timedelta(days=rng.randint(10, 200))).date().isoformat(),
            "escalation_consent": rng.random() < 0.8, "pipl_consent": True}


def _actor_for(trigger: str, case, users: dict):
    if trigger in ("arbitration_receive", "arbitration_close", "arbitration_return"):
        return users["liaison"]
    if trigger == "hand_to_arbitration" and case.tier < 3:
        return WorkerActor(case.id)
    return users[f"chair:{case.org.code}"]


def seed(today: datetime | None = None, rng_seed: int = 2026) -> dict[str, str]:
    """Build the demo; return {username: password}."""
    rng = random.Random(rng_seed)
    settings = current_app.config["MEDIATION"]["seed"]
    fed, arb = settings["federation"], settings["arbitration"]
    create_org(fed["code"], fed["name"], "federation", contact=fed["contact"])
    create_org(arb["code"], arb["name"], "arbitration", contact=arb["contact"])
    for code, name, contact in STATIONS:
        create_org(code, name, "station", fed["code"], contact=contact)
    for code, name, station, uscc in ENTERPRISES:
        create_org(code, name, "enterprise", station, contact="工会办公室", uscc=uscc)
    passwords, users = {}, {}
    accounts = [("admin", "admin", fed["code"], "系统管理员"), ("manager", "manager", fed["code"], "赵主任"),
                ("liaison", "liaison", arb["code"], "钱联络员")]
    for code in [fed["code"]] + [s[0] for s in STATIONS] + [e[0] for e in ENTERPRISES]:
        accounts += [(f"chair_{code.lower()}", "chair", code, f"{code}主任"),
                     (f"mediator_{code.lower()}", "mediator", code, f"{code}调解员")]
    for username, role, org_code, display in accounts:
        user, password = create_user(username, role, org_code, display_name=display)
        passwords[username] = password
        users[role if role in ("admin", "manager", "liaison") else f"{role}:{org_code}"] = user

    real_now = today or clock.now().replace(tzinfo=None)
    saved = (clock._frozen, clock._offset)
    try:
        for i, (org_code, path) in enumerate(PATHS):
            # Cases still awaiting a decision are recent; those that went further are older.
            if path in ([], ["accept"], ["accept", "extend"]):
                age = timedelta(days=rng.randint(0, 2 + 4 * len(path)), hours=rng.randint(1, 8))
            else:
                age = timedelta(days=rng.randint(4 + 6 * len(path), 40 + 8 * len(path)), hours=rng.randint(0, 8))
            moment = real_now - age
            clock.freeze(moment)
            case = file_complaint(_complaint(rng, org_code, collective=(i == 7), when=moment),
                                  channel=rng.choice(["online", "online", "walk_in", "hotline_12351"])).case
            for trigger in path:
                moment += timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 5))
                clock.freeze(min(moment, real_now))
                data = dict(TRIGGER_DATA.get(trigger, {}))
                if trigger == "agree":
                    data.update(performance_date=(moment + timedelta(days=rng.randint(5, 30))).date().isoformat(),
                                amount_agreed=str(round(float(case.amount_claimed) * rng.uniform(0.6, 0.95), 2)))
                if trigger == "arbitration_return":
                    data["due"] = (moment + timedelta(days=20)).date().isoformat()
                if trigger == "accept":
                    data["mediator_id"] = users[f"mediator:{case.org.code}"].id
                if trigger == "escalate" and case.state == "submitted":
                    continue  # already escalated automatically with the worker's consent
                fire(case, trigger, _actor_for(trigger, case, users), **data)
    finally:
        clock._frozen, clock._offset = saved
    return passwords

