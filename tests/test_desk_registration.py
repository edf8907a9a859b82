"""Registering walk-in, 12351 and reception-day cases at the desk's own station or federation centre."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mediation.extensions import db as _db
from mediation.models import Case, CaseEvent
from mediation.services import errors
from mediation.services.filing import file_complaint
from tests.conftest import complaint_data
from tests.desk_support import login_as
from tests.test_desk import _register_form


def _cases() -> list[Case]:
    return list(_db.session.scalars(select(Case)).all())


def test_station_chair_registers_a_hotline_case_at_the_station(client, orgs, clock):
    login_as(client, orgs.users["chair:S01"])
    response = client.post("/desk/register", data=_register_form(channel="hotline_12351", org="S01"))
    assert response.status_code == 200 and "查询码" in response.text
    case = _db.session.scalars(select(Case)).one()
    assert case.org.code == "S01" and case.tier == 2 and case.channel == "hotline_12351"
    assert case.number.startswith("JK-S01-2026-") and case.state == "submitted"
    assert [(r.seq, r.org.code, r.tier, r.channel) for r in case.rounds] == [(1, "S01", 2, "hotline_12351")]
    filed = _db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "filed")).one()
    assert filed.actor_label == "chair_s01" and filed.data == {"channel": "hotline_12351", "org": "S01"}


def test_federation_mediator_registers_a_walk_in_at_the_federation(client, orgs, clock):
    login_as(client, orgs.users["mediator:F01"])
    response = client.post("/desk/register", data=_register_form(channel="walk_in", org="F01"))
    assert response.status_code == 200
    case = _db.session.scalars(select(Case)).one()
    assert case.org.code == "F01" and case.tier == 3 and case.channel == "walk_in"
    assert case.number.startswith("JK-F01-2026-")


def test_station_chair_registers_for_one_of_its_enterprises(client, orgs, clock):
    login_as(client, orgs.users["chair:S01"])
    response = client.post("/desk/register", data=_register_form(channel="chair_reception_day", org="E02"))
    assert response.status_code == 200
    case = _db.session.scalars(select(Case)).one()
    assert case.org.code == "E02" and case.tier == 1 and case.number.startswith("JK-E02-2026-")


@pytest.mark.parametrize(("user", "org"), [("chair:S01", "S02"), ("chair:S01", "F01"), ("mediator:E01", "S01"),
                                           ("mediator:F01", "S01"), ("chair:S01", "ARB")])
def test_staff_cannot_file_at_an_organisation_other_than_their_own_or_an_enterprise(client, orgs, clock, user, org):
    login_as(client, orgs.users[user])
    response = client.post("/desk/register", data=_register_form(org=org))
    assert response.status_code == 422
    assert 'id="org-error">请从列表中选择本单位或企业调解委员会。' in response.text
    assert "王芳" in response.text and "拖欠两个月工资。" in response.text  # nothing typed is lost
    assert _cases() == []
    english = client.post("/desk/register?lang=en", data=_register_form(org=org))
    assert english.status_code == 422
    assert "Choose your own organisation or an enterprise committee from the list." in english.text
    assert _cases() == []


def test_service_refuses_another_station_with_a_field_error_under_org(orgs, clock):
    with pytest.raises(errors.InvalidData) as caught:
        file_complaint(complaint_data(org="S02"), channel="walk_in", actor=orgs.users["chair:S01"])
    assert set(caught.value.fields) == {"org"}
    assert caught.value.field_messages("en")["org"] == ("Choose your own organisation or an enterprise"
                                                        " committee from the list.")
    assert _cases() == []


def test_online_filing_at_a_station_is_still_refused(client, orgs, clock):
    response = client.post("/api/v1/complaints", json=complaint_data(org="S01"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid" and body["fields"] == {"org": "请从列表中选择企业调解委员会。"}
    assert _cases() == []
    with pytest.raises(errors.InvalidData) as caught:
        file_complaint(complaint_data(org="F01"))
    assert caught.value.field_messages("en") == {"org": "Choose an enterprise committee from the list."}


def test_station_form_offers_itself_by_default_and_its_enterprises_with_their_tier(client, orgs):
    login_as(client, orgs.users["chair:S01"])
    html = client.get("/desk/register").text
    assert '<option value="S01" selected>S01 第1工会服务站 · 第二级：工会服务站</option>' in html
    assert "E01公司劳动争议调解委员会 · 第一级：企业调委会" in html and 'value="E02"' in html
    assert 'value="E03"' not in html and 'value="F01"' not in html and 'value="S02"' not in html
    assert "案件登记至" in html and "S01 第1工会服务站所辖企业调解委员会" in html
    english = client.get("/desk/register?lang=en").text
    assert "Register the case at" in english and "Tier 2: station" in english
    assert "Enterprise committees under S01" in english


def test_federation_form_groups_every_enterprise_by_station(client, orgs):
    login_as(client, orgs.users["chair:F01"])
    html = client.get("/desk/register").text
    assert '<option value="F01" selected>' in html and "第三级：总工会" in html
    s01, s02 = html.index("S01 第1工会服务站所辖"), html.index("S02 第2工会服务站所辖")
    assert s01 < html.index('value="E01"') < html.index('value="E02"') < s02 < html.index('value="E03"')
    assert 'value="E04"' in html and 'value="S01"' not in html and 'value="ARB"' not in html


def test_enterprise_staff_keep_filing_at_their_own_enterprise(client, orgs, clock):
    login_as(client, orgs.users["mediator:E01"])
    html = client.get("/desk/register").text
    assert '<input type="hidden" name="org" value="E01">' in html and "第一级：企业调委会" in html
    assert "<select id=\"org\"" not in html
    assert client.post("/desk/register", data=_register_form(org="E01")).status_code == 200
    assert [c.org.code for c in _cases()] == ["E01"]
