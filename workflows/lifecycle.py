"""The case lifecycle of DESIGN.md §4, declared as data: read this file to see it whole.

STATES     each state's labels, the SLA timers running while a case is in it, and whether it ends
           the case. A state's timers start on entering it and are cancelled on leaving it.
TRANSITIONS one dict per trigger and source: who may fire it (`by`: roles, plus "worker" for the
           applicant with the query code and "system" for the sweeper), the data it takes (`data`:
           field → type, "?" marks optional), conditions and callbacks by dotted name (implemented
           in mediation/services/callbacks.py), the documents it produces, and whether the worker
           sees it on the public timeline.
Nothing here imports the app; workflows/machine.py builds the `transitions` Machine from it.
"""

CB = "mediation.services.callbacks."

STATES = {
    "submitted": {"zh": "待受理", "en": "Awaiting acceptance", "timers": ["acceptance"]},
    "mediating": {"zh": "调解中", "en": "In mediation", "timers": ["mediation"]},
    "agreed": {"zh": "已达成调解协议", "en": "Agreement reached", "timers": ["performance"]},
    "performed": {"zh": "已履行结案", "en": "Agreement performed, closed", "final": True},
    "failed": {"zh": "调解不成", "en": "Mediation failed", "timers": []},
    "rejected": {"zh": "不予受理", "en": "Not accepted", "timers": []},
    "withdrawn": {"zh": "已撤回", "en": "Withdrawn", "final": True},
    "arbitration": {"zh": "已移交仲裁", "en": "Handed to arbitration", "timers": ["arbitration_acceptance"]},
    "arbitration_accepted": {"zh": "仲裁已立案", "en": "Accepted by arbitration",
                             "timers": ["arbitration_award"]},
    "arbitration_closed": {"zh": "仲裁已结案", "en": "Arbitration closed", "final": True},
}

MEDIATION_STAFF = ["chair", "mediator"]

TRANSITIONS = [
    {"trigger": "accept", "source": "submitted", "dest": "mediating", "by": ["chair"],
     "after": [CB + "accept_round"], "documents": ["acceptance_notice"], "public": True,
     "zh": "受理", "en": "Accept"},
    {"trigger": "reject", "source": "submitted", "dest": "rejected", "by": ["chair"],
     "data": {"reason": "text"},
     "after": [CB + "end_round_rejected", CB + "restart_limitation"],
     "documents": ["rejection_notice"], "public": True, "zh": "不予受理", "en": "Reject"},
    {"trigger": "agree", "source": "mediating", "dest": "agreed", "by": MEDIATION_STAFF,
     "data": {"terms": "text", "performance_date": "future_date", "amount_agreed": "amount?"},
     "after": [CB + "end_round_agreed"], "documents": ["mediation_agreement"], "public": True,
     "zh": "达成调解协议", "en": "Record agreement"},
    # Extension needs both parties' consent and is granted once (规定 art. 23); it is internal,
    # so the running term is lengthened rather than restarted.
    {"trigger": "extend", "source": "mediating", "dest": None, "by": MEDIATION_STAFF,
     "data": {"days": "days", "consent_note": "text"}, "conditions": [CB + "not_extended_yet"],
     "after": [CB + "extend_mediation_term"], "public": True, "zh": "延长调解期限", "en": "Extend term"},
    {"trigger": "fail", "source": "mediating", "dest": "failed", "by": MEDIATION_STAFF,
     "data": {"reason": "text"},
     "after": [CB + "end_round_failed", CB + "restart_limitation", CB + "escalate_if_consented"],
     "documents": ["failure_notice"], "public": True, "zh": "调解不成", "en": "Record failure"},
    # The statutory term ran out (调解仲裁法 art. 14): deemed failed. Fired by the sweeper.
    {"trigger": "expire", "source": "mediating", "dest": "failed", "by": ["system"],
     "after": [CB + "end_round_expired", CB + "restart_limitation", CB + "escalate_if_consented"],
     "documents": ["failure_notice"], "public": True, "zh": "调解期满未达成协议", "en": "Mediation term expired"},
    {"trigger": "escalate", "source": ["failed", "rejected"], "dest": "submitted",
     "by": MEDIATION_STAFF + ["manager", "worker", "system"], "conditions": [CB + "has_parent_tier"],
     "before": [CB + "move_to_parent_org"], "documents": ["referral_letter"], "public": True,
     "zh": "移送上一级调解", "en": "Refer to the next tier"},
    # At tier 3 mediation is exhausted; below it the worker may choose arbitration directly (art. 5).
    {"trigger": "hand_to_arbitration", "source": ["failed", "rejected"], "dest": "arbitration",
     "by": MEDIATION_STAFF + ["manager", "worker"], "data": {"worker_choice": "bool?"},
     "conditions": [CB + "arbitration_open"], "after": [CB + "record_handoff"],
     "documents": ["arbitration_handoff_letter"], "public": True, "zh": "移交仲裁", "en": "Hand to arbitration"},
    # An agreement not performed may go to arbitration (art. 15) once non-performance is recorded.
    {"trigger": "hand_to_arbitration", "source": "agreed", "dest": "arbitration",
     "by": MEDIATION_STAFF + ["manager", "worker"], "conditions": [CB + "non_performance_reported"],
     "after": [CB + "record_handoff"], "documents": ["arbitration_handoff_letter"], "public": True,
     "zh": "移交仲裁", "en": "Hand to arbitration"},
    {"trigger": "confirm_performance", "source": "agreed", "dest": "performed", "by": MEDIATION_STAFF,
     "after": [CB + "record_performance"], "public": True, "zh": "确认已履行", "en": "Confirm performance"},
    {"trigger": "report_non_performance", "source": "agreed", "dest": None,
     "by": MEDIATION_STAFF + ["worker"], "data": {"note": "text"},
     "conditions": [CB + "non_performance_not_reported"], "after": [CB + "record_non_performance"],
     "public": True, "zh": "报告未履行", "en": "Report non-performance"},
    {"trigger": "withdraw", "source": ["submitted", "mediating"], "dest": "withdrawn",
     "by": MEDIATION_STAFF + ["worker"], "data": {"reason": "text"},
     "after": [CB + "end_round_withdrawn"], "public": True, "zh": "撤回申请", "en": "Withdraw"},
    {"trigger": "arbitration_receive", "source": "arbitration", "dest": "arbitration_accepted",
     "by": ["liaison"], "data": {"arbitration_case_no": "text"}, "after": [CB + "record_arbitration_receipt"],
     "public": True, "zh": "仲裁委立案", "en": "Received by arbitration"},
    # 委派调解: the commission sends the case back to the federation's mediation centre.
    {"trigger": "arbitration_return", "source": ["arbitration", "arbitration_accepted"], "dest": "submitted",
     "by": ["liaison"], "data": {"instructions": "text", "due": "future_date"},
     "before": [CB + "return_to_federation"], "public": True, "zh": "委派调解", "en": "Delegated back to mediation"},
    {"trigger": "arbitration_close", "source": "arbitration_accepted", "dest": "arbitration_closed",
     "by": ["liaison"], "data": {"outcome": "arbitration_outcome"},
     "after": [CB + "record_arbitration_outcome"], "public": True, "zh": "仲裁结案", "en": "Arbitration closed"},
]

# The statutory timers a state may name: how each one's due date is found (see mediation/sla/deadlines.py)
# and what its breach fires ("expire") or only records (None). Durations live in config.toml [sla.terms].
TIMERS = {
    "acceptance": {"from": "round_received", "on_breach": None, "zh": "受理决定期限", "en": "Acceptance decision"},
    "mediation": {"from": "round_received", "on_breach": "expire", "zh": "调解期限", "en": "Mediation term"},
    "performance": {"from": "performance_date", "on_breach": None, "zh": "协议履行期限", "en": "Performance date"},
    "limitation": {"from": "limitation_start", "on_breach": None, "zh": "仲裁时效", "en": "Arbitration limitation period"},
    "arbitration_acceptance": {"from": "handed_over", "on_breach": None, "zh": "仲裁受理期限",
                               "en": "Arbitration acceptance"},
    "arbitration_award": {"from": "arbitration_received", "on_breach": None, "zh": "仲裁裁决期限",
                          "en": "Arbitration award"},
    "delegated": {"from": "given", "on_breach": None, "zh": "委派调解期限", "en": "Delegated mediation due"},
}

ARBITRATION_OUTCOMES = {
    "award": ("Award", "仲裁裁决"),
    "arbitral_mediation": ("Arbitral mediation", "仲裁调解"),
    "withdrawn": ("Withdrawn", "撤回仲裁申请"),
    "not_accepted": ("Not accepted", "不予受理"),
}

STATE_NAMES = tuple(STATES)
FINAL_STATES = tuple(name for name, spec in STATES.items() if spec.get("final"))
TRIGGER_NAMES = tuple(dict.fromkeys(t["trigger"] for t in TRANSITIONS))
