"""NTF-1 … NTF-3 as pure rules: who hears what, when on the working-day calendar, how robots are signed."""

import base64
import hashlib
import hmac
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError

from services.notify.deliveries import rules as deliveries
from services.notify.notifications import rules
from services.notify.notifications.rules import Channel
from services.notify.people.schemas import PersonIn
from services.notify.settings import NotifySettings
from services.notify.timers import rules as timers
from shared.workcalendar import CHINA, WorkingCalendar


def china(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+08:00")


def test_ntf1_every_rule_cites_its_spec_id_and_is_in_the_table() -> None:
    for rule_id, rule in rules.RULES.items():
        assert rule_id == rule.id and rule_id.startswith(rule.spec), rule_id
        assert rule.recipients, rule_id


def test_ntf1_cmp3_reminder_at_1400_china_time_of_the_deadline_day() -> None:
    assert timers.reminder_at(china("2026-10-08T23:59:59")) == china("2026-10-08T14:00:00")


def test_ntf1_cmp3_overdue_alert_the_moment_after_the_deadline() -> None:
    assert timers.overdue_at(china("2026-10-08T23:59:59")) == china("2026-10-09T00:00:00")


def test_ntf1_cmp3_a_complaint_gets_a_reminder_and_an_alert_per_step() -> None:
    planned = timers.complaint_timers(
        "c-1", {"owner": "E-01"}, china("2026-10-08T23:59:59"), china("2026-10-09T23:59:59")
    )
    assert [(p.rule, p.due_at, p.occasion) for p in planned] == [
        ("CMP-3.investigate.due", china("2026-10-08T14:00:00"), "2026-10-08"),
        ("CMP-3.investigate.overdue", china("2026-10-09T00:00:00"), "2026-10-08"),
        ("CMP-3.reply.due", china("2026-10-09T14:00:00"), "2026-10-09"),
        ("CMP-3.reply.overdue", china("2026-10-10T00:00:00"), "2026-10-09"),
    ]


def test_ntf1_cmp4_investigating_ends_only_the_investigation_reminders() -> None:
    assert timers.ended_by("investigating") == ["CMP-3.investigate.due", "CMP-3.investigate.overdue"]
    assert len(timers.ended_by("replied")) == 4 and timers.ended_by("rejected") == timers.ended_by("replied")


def test_ntf1_crm6_reminders_on_the_1st_6th_and_9th_working_day_after_the_national_day_holiday() -> None:
    planned = {p.rule: p for p in timers.fee_timers(datetime(2026, 10, 1).date(), WorkingCalendar())}
    # 2026-10-01 … 10-07 is the National Day holiday and Saturday 10-10 a make-up working day.
    assert planned["CRM-6.statement"].due_at == china("2026-10-08T09:00:00")
    assert planned["CRM-6.statement"].params == {"month": "2026-09", "due_date": "2026-10-10"}
    assert planned["CRM-6.sign_off"].due_at.astimezone(CHINA).date().isoformat() == "2026-10-14"
    assert planned["CRM-6.payable"].subject == "fees:2026-09"


def test_ntf1_crm6_a_reminder_already_past_when_its_month_is_planned_is_not_sent_late() -> None:
    planned = timers.fee_timers(datetime(2026, 10, 1).date(), WorkingCalendar())
    assert [p.rule for p in timers.upcoming(planned, china("2026-10-09T12:00:00"))] == [
        "CRM-6.sign_off",
        "CRM-6.payable",
    ]


def test_ntf1_cls1_only_batch_and_major_incidents_are_told() -> None:
    assert [level for level in ("general", "batch", "major") if rules.incident_needs_telling(level)] == [
        "batch",
        "major",
    ]


def test_ntf1_cls7_emergency_reaches_leadership_and_the_responsible_head() -> None:
    params = {"department": "machining"}
    assert rules.roles_of(rules.EMERGENCY_PLAN) == ["executive", "quality_manager"]
    assert rules.heads_of(rules.EMERGENCY_PLAN, params) == ["machining"]


def test_ntf1_san4_a_notice_names_its_employee() -> None:
    assert rules.named_people(rules.NOTICE_ISSUED, {"employee": "E-17"}) == ["E-17"]


def test_ntf1_san4_disputed_a_dispute_goes_to_administration() -> None:
    assert rules.roles_of(rules.NOTICE_DISPUTED) == ["admin_dept"]
    assert rules.named_people(rules.NOTICE_DISPUTED, {"employee": "E-17"}) == []


def test_ntf1_san4_dispute_decided_the_employee_hears_the_final_decision() -> None:
    assert rules.named_people(rules.DISPUTE_DECIDED, {"employee": "E-17"}) == ["E-17"]
    title, body = rules.DISPUTE_DECIDED.render(
        {
            "kind_name": "处罚",
            "notice_id": "N-1",
            "clause": "5.2.1.10",
            "outcome_name": rules.OUTCOME_NAMES["amended"],
            "amount": "10.00",
            "note": "",
        }
    )
    assert title == "处罚通知 N-1 异议裁决：变更金额" and "最终决定" in body and "10.00 元" in body


def test_ntf1_cmp5_decision_reaches_the_quality_manager_with_both_halves_spelled_out() -> None:
    assert rules.roles_of(rules.COMPLAINT_DECIDED) == ["quality_manager"]
    assert rules.decision_words(recall=True, crisis_handling=False) == "启动产品回收，不启动企业危机处理"
    assert rules.decision_words(recall=False, crisis_handling=True) == "不启动产品回收，启动企业危机处理"


def test_ntf1_cmp5_escalated_only_a_complaint_newly_reaching_the_decision_level_is_told() -> None:
    assert rules.roles_of(rules.COMPLAINT_ESCALATED) == ["executive"]
    assert rules.raised_to_decision_level(escalated_before=False, escalated=True)
    assert not rules.raised_to_decision_level(escalated_before=True, escalated=True)
    assert not rules.raised_to_decision_level(escalated_before=True, escalated=False)


def test_ntf2_texts_are_chinese_and_filled_in() -> None:
    title, body = rules.NOTICE_ISSUED.render(
        {"kind_name": "处罚", "clause": "5.2.1.10", "amount": "20.00", "month": "2026-11", "notice_id": "N-1"}
    )
    assert title == "处罚通知：条款 5.2.1.10" and "20.00 元" in body and "行政管理部" in body


def test_ntf2_the_inbox_is_always_a_channel_and_email_needs_an_address() -> None:
    assert PersonIn(name="王芳", channels=[Channel.EMAIL], email="w@example.com").channels == [
        Channel.INBOX,
        Channel.EMAIL,
    ]
    with pytest.raises(ValidationError):
        PersonIn(name="王芳", channels=[Channel.EMAIL])
    with pytest.raises(ValidationError):
        PersonIn.model_validate({"name": "王芳", "nickname": "x"})


def test_ntf2_dingtalk_signs_timestamp_and_secret_with_the_secret_in_the_query() -> None:
    url, body = deliveries.robot_request(
        Channel.DINGTALK, "http://robot/send?access_token=t", "SEC1", "文本", 1700000000.123
    )
    query = parse_qs(urlsplit(url).query)
    expected = hmac.new(b"SEC1", b"1700000000123\nSEC1", hashlib.sha256).digest()
    assert query["timestamp"] == ["1700000000123"] and query["access_token"] == ["t"]
    assert base64.b64decode(query["sign"][0]) == expected
    assert body == {"msgtype": "text", "text": {"content": "文本"}}


def test_ntf2_feishu_signs_with_timestamp_and_secret_as_the_key_in_the_body() -> None:
    url, body = deliveries.robot_request(Channel.FEISHU, "http://robot/hook", "SEC1", "文本", 1700000000.9)
    expected = hmac.new(b"1700000000\nSEC1", b"", hashlib.sha256).digest()
    assert url == "http://robot/hook" and body["timestamp"] == "1700000000"
    assert base64.b64decode(body["sign"]) == expected and body["content"] == {"text": "文本"}


def test_ntf2_wecom_sends_to_the_url_with_its_key_unsigned() -> None:
    url, body = deliveries.robot_request(Channel.WECOM, "http://robot/send?key=k", None, "文本", 1700000000.0)
    assert url == "http://robot/send?key=k" and body == {"msgtype": "text", "text": {"content": "文本"}}


def test_ntf2_a_platform_error_in_a_200_answer_is_a_failure() -> None:
    assert deliveries.robot_refusal(Channel.DINGTALK, {"errcode": 310000, "errmsg": "sign not match"}) is not None
    assert deliveries.robot_refusal(Channel.FEISHU, {"code": 19021, "msg": "sign match fail"}) is not None
    assert deliveries.robot_refusal(Channel.WECOM, {"errcode": 0, "errmsg": "ok"}) is None


def test_ntf3_retries_back_off_exponentially_up_to_the_cap_and_give_up_after_the_last_attempt() -> None:
    assert [deliveries.backoff_s(n, 5.0, 60.0) for n in range(1, 6)] == [5.0, 10.0, 20.0, 40.0, 60.0]
    assert not deliveries.gives_up(4, 5) and deliveries.gives_up(5, 5)


def test_ntf3_production_refuses_the_movable_clock() -> None:
    with pytest.raises(ValidationError):
        NotifySettings(env="production", notify_clock_control=True)
    assert NotifySettings(env="development", notify_clock_control=True).notify_clock_control
