import pytest

from accounts.roles import Role
from bookings import workflow
from bookings.workflow import PATHS, TRANSITIONS, Status, TransitionError, WorkflowKind

OWNER = frozenset({Role.OWNER})
STAFF = frozenset({Role.STAFF})
MANAGER = frozenset({Role.MANAGER})


def test_every_transition_leads_to_a_known_state_and_leaves_from_known_states():
    for transition in TRANSITIONS.values():
        assert transition.target in Status.values
        assert transition.sources <= set(Status.values)
        assert transition.roles


@pytest.mark.parametrize("kind", WorkflowKind.values)
def test_each_path_can_be_walked_with_the_transitions_of_its_kind(kind):
    path = PATHS[kind]
    for current, following in zip(path, path[1:]):
        moves = [t for t in TRANSITIONS.values() if t.allows(status=current, kind=kind) and t.target == following]
        assert moves, f"{kind}: no transition {current} -> {following}"


def test_print_only_services_skip_design():
    assert not TRANSITIONS["start_design"].allows(status=Status.QUEUED, kind=WorkflowKind.PRINT_ONLY)
    assert TRANSITIONS["start_production_direct"].allows(status=Status.QUEUED, kind=WorkflowKind.PRINT_ONLY)


def test_owner_cannot_cancel_in_production():
    with pytest.raises(TransitionError):
        workflow.check("cancel", status=Status.PRODUCTION, kind=WorkflowKind.FULL, roles=OWNER, is_own=True)


def test_staff_can_cancel_in_production():
    transition = workflow.check("cancel_by_office", status=Status.PRODUCTION, kind=WorkflowKind.FULL, roles=STAFF, is_own=False)
    assert (transition.name, transition.target) == ("cancel_by_office", "dibatalkan")


def test_owner_cannot_fire_staff_transitions():
    with pytest.raises(TransitionError):
        workflow.check("verify", status=Status.SUBMITTED, kind=WorkflowKind.FULL, roles=OWNER, is_own=True)


def test_owner_transitions_need_ownership():
    with pytest.raises(TransitionError):
        workflow.check("cancel", status=Status.SUBMITTED, kind=WorkflowKind.FULL, roles=OWNER, is_own=False)


def test_manager_is_read_only():
    assert workflow.available(status=Status.SUBMITTED, kind=WorkflowKind.FULL, roles=MANAGER, is_own=False) == []


def test_nothing_leaves_a_terminal_state():
    for status in workflow.TERMINAL:
        for roles in (OWNER, STAFF):
            assert workflow.available(status=status, kind=WorkflowKind.FULL, roles=roles, is_own=True) == []
