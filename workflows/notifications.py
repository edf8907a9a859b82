"""Who hears what, declared as data beside the lifecycle: read this file to see it whole.

RULES      one dict per (event, recipients): `on` names the case event — "filed", "assigned",
           "session", "deadline_warning", "deadline_breached", or "transition:<trigger>" — and
           `to` the recipient kinds; `template` is a file under templates/notifications/<lang>/.
           `deadline_kinds` limits a deadline rule to some timer kinds; `urgent` exempts an SMS
           from quiet hours (the receipt: a worker who files at night must get the query code);
           `only_if_future` names a data field that must be a time after the event for the rule to apply.
CHANNELS   the channels each recipient kind is reached on, in order. "email" is used only when an
           address is on file, and for staff only unless they turned e-mail off.
DOCUMENTS  every transition that produces documents (workflows/lifecycle.py "documents") also
           tells the worker about each one, with the template below.
Nothing here imports the app; mediation/notifications/outbox.py reads it.
"""

#: worker: the applicants (a collective dispute: its elected representatives); org_staff: chairs
#: and mediators of the case's organisation (after the transition); chairs: its chairs only;
#: assigned_mediator: the case's mediator; liaison: arbitration liaisons; managers: federation.
RECIPIENT_KINDS = ("worker", "org_staff", "chairs", "assigned_mediator", "liaison", "managers")

CHANNELS = {
    "worker": ["sms", "email"],
    "org_staff": ["app", "email"],
    "chairs": ["app", "email"],
    "assigned_mediator": ["app", "email"],
    "liaison": ["app", "email"],
    "managers": ["app", "email"],
}

STAFF_DEADLINE_KINDS = ["acceptance", "mediation", "performance", "delegated"]
ARBITRATION_DEADLINE_KINDS = ["arbitration_acceptance", "arbitration_award"]

RULES = [
    # The worker
    {"on": "filed", "to": ["worker"], "template": "receipt", "urgent": True},
    {"on": "transition:accept", "to": ["worker"], "template": "accepted"},
    {"on": "transition:reject", "to": ["worker"], "template": "rejected"},
    # Only a session still ahead: the desk also records sessions after they were held (调解笔录).
    {"on": "session", "to": ["worker"], "template": "session", "only_if_future": "held_at"},
    {"on": "transition:agree", "to": ["worker"], "template": "agreed"},
    {"on": "transition:fail", "to": ["worker"], "template": "failed"},
    {"on": "transition:expire", "to": ["worker"], "template": "failed"},
    {"on": "transition:escalate", "to": ["worker"], "template": "escalated"},
    {"on": "transition:hand_to_arbitration", "to": ["worker"], "template": "handed_to_arbitration"},
    # Mediators and chairs
    {"on": "filed", "to": ["org_staff"], "template": "new_case"},
    {"on": "transition:escalate", "to": ["org_staff"], "template": "new_case"},
    {"on": "assigned", "to": ["assigned_mediator"], "template": "assigned"},
    {"on": "deadline_warning", "to": ["assigned_mediator", "chairs"], "template": "deadline_warning",
     "deadline_kinds": STAFF_DEADLINE_KINDS},
    {"on": "deadline_breached", "to": ["assigned_mediator", "chairs"], "template": "deadline_breached",
     "deadline_kinds": STAFF_DEADLINE_KINDS},
    {"on": "transition:arbitration_return", "to": ["org_staff"], "template": "returned_by_arbitration"},
    # The arbitration liaison
    {"on": "transition:hand_to_arbitration", "to": ["liaison"], "template": "handoff_received"},
    {"on": "deadline_warning", "to": ["liaison"], "template": "deadline_warning",
     "deadline_kinds": ARBITRATION_DEADLINE_KINDS},
    {"on": "deadline_breached", "to": ["liaison"], "template": "deadline_breached",
     "deadline_kinds": ARBITRATION_DEADLINE_KINDS},
]

#: Sent to the worker once per document a transition produces (mediation/notifications/outbox.py).
DOCUMENT_RULE = {"to": ["worker"], "template": "document_served"}

#: The daily digest (mediation/notifications/digest.py), 08:00 Beijing time.
DIGEST_RULE = {"to": ["managers"], "template": "digest"}

def rules_for(kind: str, trigger: str | None = None, deadline_kind: str | None = None) -> list[dict]:
    """The rules an event of `kind` (and trigger, or deadline kind) matches."""
    key = f"transition:{trigger}" if kind == "transition" else kind
    return [rule for rule in RULES if rule["on"] == key
            and (deadline_kind is None or deadline_kind in rule.get("deadline_kinds", [deadline_kind]))]
