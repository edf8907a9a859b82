"""Shared fixtures: the app on SQLite (and PostgreSQL when MEDIATION_TEST_POSTGRES_URL is set), a clean
database per test, the movable clock, the demo organisation tree, and case factories.

Every test that uses `app` runs once per backend. Without a PostgreSQL URL its PostgreSQL run is
skipped with the reason printed in the summary (`-rs`); .ci/run sets the URL.
"""
from __future__ import annotations

import os
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import event, text

from mediation import create_app
from mediation.extensions import db as _db
from mediation.sla import clock as _clock

PG_URL = os.environ.get("MEDIATION_TEST_POSTGRES_URL")
PG_SKIP = ("PostgreSQL run skipped: set MEDIATION_TEST_POSTGRES_URL (e.g. "
           "postgresql+psycopg://postgres@127.0.0.1:5432/test) to run the suite on PostgreSQL too")


def _make_app(url: str, data_dir) -> object:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "DATA_DIR": data_dir,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test-secret",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "ENCRYPTION_KEY": "test-key",
                      "MEDIATION": {"limits": {"ratelimit_enabled": False}}})
    with app.app_context():
        if url.startswith("sqlite"):
            # A test database need not survive a power cut: skip the fsync on every commit.
            event.listen(_db.engine, "connect", lambda conn, _rec: conn.execute("PRAGMA synchronous=OFF"))
            _db.engine.dispose()
        _db.drop_all()
        _db.create_all()
    return app


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def _session_app(request, tmp_path_factory):
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip(PG_SKIP)
        app = _make_app(PG_URL, tmp_path_factory.mktemp("pg-data"))
    else:
        data_dir = tmp_path_factory.mktemp("sqlite-data")
        app = _make_app(f"sqlite:///{data_dir / 'test.db'}", data_dir)
    yield app
    with app.app_context():  # close pooled connections before the interpreter does (ResourceWarning)
        _db.session.remove()
        _db.engine.dispose()


def _wipe() -> None:
    _db.session.remove()
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            # Restart id sequences so tests that print ids stay readable; harmless otherwise.
            for table in _db.metadata.sorted_tables:
                if "id" not in table.c:
                    continue
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"
                                  f" WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL"))


@pytest.fixture
def app(_session_app, request):
    """The app inside an app context, on a database emptied after the test.

    PDFs are rendered after each commit only in tests marked `renders_documents` (rendering costs
    ~0.5 s a document); elsewhere documents stay pending, as after a rendering failure."""
    _session_app.config["DOCUMENTS_RENDER_ON_COMMIT"] = request.node.get_closest_marker("renders_documents") is not None
    with _session_app.app_context():
        yield _session_app
        _wipe()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def clock():
    """The system clock, frozen at 2026-11-25 10:00 Beijing time; move it with .freeze/.advance."""
    _clock.freeze(datetime(2026, 11, 25, 10, 0))
    yield _clock
    _clock.reset()


def build_tree() -> SimpleNamespace:
    """The demo tree: F01 → S01 (E01, E02), S02 (E03, E04); ARB; a chair and a mediator at each
    (passwords "pw-<CODE>"), plus manager, liaison and admin ("pw-<role>")."""
    from mediation.services.orgs import create_org, create_user
    tree = SimpleNamespace(users={})
    tree.F01 = create_org("F01", "经开区总工会调解中心", "federation", contact="0571-86001234")
    tree.ARB = create_org("ARB", "经开区劳动人事争议仲裁委员会", "arbitration")
    for station, enterprises in (("S01", ("E01", "E02")), ("S02", ("E03", "E04"))):
        setattr(tree, station, create_org(station, f"第{station[-1]}工会服务站", "station", "F01",
                                          contact=f"0571-8601000{station[-1]}"))
        for code in enterprises:
            setattr(tree, code, create_org(code, f"{code}公司劳动争议调解委员会", "enterprise", station,
                                           contact="工会办公室"))
    for code in ("F01", "S01", "S02", "E01", "E02", "E03", "E04"):
        for role in ("chair", "mediator"):
            tree.users[f"{role}:{code}"] = create_user(f"{role}_{code.lower()}", role, code, "pw-" + code)[0]
    tree.users["manager"] = create_user("manager", "manager", "F01", "pw-manager")[0]
    tree.users["liaison"] = create_user("liaison", "liaison", "ARB", "pw-liaison")[0]
    tree.users["admin"] = create_user("admin", "admin", "F01", "pw-admin")[0]
    return tree


@pytest.fixture
def orgs(app):
    """The demo tree (see build_tree): orgs.E01, orgs.users["chair:E01"], ..."""
    return build_tree()


# A valid resident ID number (GB 11643-1999 check digit): 110105 + 1990-03-07 + 123 + 9.
VALID_ID = "110105199003071239"


def complaint_data(**overrides) -> dict:
    """A complete, valid complaint body as the API takes it; override any top-level key."""
    data = {
        "applicants": [{"name": "张伟", "id_number": VALID_ID, "phone": "13800138000",
                        "address": "杭州市钱塘区白杨街道1号"}],
        "respondent": {"name": "华芯电子（杭州）有限公司", "address": "杭州经济技术开发区",
                       "contact": "0571-86000000"},
        "org": "E01",
        "categories": ["wages"],
        "claims": [{"item": "支付拖欠工资", "amount": "12500.50"}],
        "facts": "申请人于2025年3月入职，公司拖欠2026年8月至10月工资。",
        "dispute_date": "2026-10-31",
        "escalation_consent": True,
        "pipl_consent": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_case(orgs, clock):
    """File a case (through the real filing service) and optionally walk it through triggers.

    make_case("E01", "accept", "fail") → the case after those triggers, each fired by the chair of the
    case's organisation at the time (arbitration triggers by the liaison)."""
    from mediation.services.filing import file_complaint

    def make(org_code: str | None = "E01", *triggers: str, **overrides):
        filed = file_complaint(complaint_data(org=org_code, **overrides))
        case = filed.case
        case.query_code = filed.query_code
        for trigger in triggers:
            walk(case, trigger, orgs)
        return case
    return make


TRIGGER_DATA = {
    "reject": {"reason": "不属于受理范围"}, "agree": {"terms": "一次性支付工资12500元", "performance_date": "2026-12-31",
                                                  "amount_agreed": "12000"},
    "fail": {"reason": "双方分歧较大"}, "withdraw": {"reason": "已自行和解"}, "extend": {"days": 10, "consent_note": "双方同意"},
    "report_non_performance": {"note": "未按期支付"}, "arbitration_receive": {"arbitration_case_no": "经开劳人仲案〔2026〕1号"},
    "arbitration_return": {"instructions": "请调解", "due": "2026-12-31"}, "arbitration_close": {"outcome": "award"},
    "hand_to_arbitration": {"worker_choice": True},
}


def walk(case, trigger: str, orgs, actor=None, **data):
    """Fire one trigger as the natural actor for it, with valid default data."""
    from mediation.services.lifecycle import fire
    if actor is None:
        actor = (orgs.users["liaison"] if trigger.startswith("arbitration_")
                 else orgs.users[f"chair:{case.org.code}"])
    return fire(case, trigger, actor, **{**TRIGGER_DATA.get(trigger, {}), **data})
