"""Build the one `transitions` Machine from the declaration, and query it without binding rows.

Cases are never added to the machine (STYLE.md: ~13 KiB per bound object, and add_model overwrites
the state loaded from the database). An event is fired on an unbound case with
`MACHINE.events[trigger].trigger(case, ctx=...)`, which reads and sets `case.state`.
"""
from transitions import Machine

from workflows.lifecycle import STATES, TRANSITIONS

_MACHINE_KEYS = ("trigger", "source", "dest", "conditions", "unless", "before", "after", "prepare")


def _build() -> Machine:
    machine = Machine(model=None, states=list(STATES), initial=None, auto_transitions=False,
                      send_event=True, ignore_invalid_triggers=False)
    for spec in TRANSITIONS:
        machine.add_transition(**{key: spec[key] for key in _MACHINE_KEYS if key in spec})
    return machine


MACHINE = _build()


def declarations(trigger: str, state: str) -> dict | None:
    """Return the declared transition for `trigger` from `state`, or None if there is none."""
    for spec in TRANSITIONS:
        sources = spec["source"] if isinstance(spec["source"], list) else [spec["source"]]
        if spec["trigger"] == trigger and state in sources:
            return spec
    return None


def triggers_from(state: str) -> list[str]:
    """Return the triggers declared from `state`, in declaration order."""
    return MACHINE.get_triggers(state)


def fire_on(case, trigger: str, **kwargs) -> bool:
    """Fire `trigger` on an unbound case; False when a condition refused it."""
    return MACHINE.events[trigger].trigger(case, **kwargs)
