"""Who fires a trigger: a staff User, the worker holding the query code, or the system (timers)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    role: str = "system"
    id: None = None
    org_id: None = None
    label: str = "system"


@dataclass(frozen=True)
class WorkerActor:
    """The applicant, authenticated by case number and query code for this one case."""
    case_id: int
    role: str = "worker"
    id: None = None
    org_id: None = None
    label: str = "worker"


SYSTEM = SystemActor()


def actor_label(actor) -> str:
    return getattr(actor, "username", None) or actor.label
