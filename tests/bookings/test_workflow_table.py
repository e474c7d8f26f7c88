"""The workflow table against literals: who may do what in which state, for each kind of service.

Each expectation is written out by hand (not derived from the table it checks), so a change to a
source state, a role, a kind, a flag or a stored value shows up here as a failing line.
"""
import pytest
from django.utils import translation

from accounts.roles import Role
from bookings import workflow
from bookings.workflow import TRANSITIONS, Status, TransitionError, WorkflowKind

OWNER = frozenset({Role.OWNER})
STAFF = frozenset({Role.STAFF})
ADMIN = frozenset({Role.ADMIN})
MANAGER = frozenset({Role.MANAGER})

FULL, DESIGN_ONLY, PRINT_ONLY, CONSULTATION = "full", "design_only", "print_only", "consultation"


def names(status, kind, roles, is_own):
    return [t.name for t in workflow.available(status=status, kind=kind, roles=roles, is_own=is_own)]


def test_stored_values_are_the_ones_in_the_database():
    assert dict(Status.choices).keys() == {
        "diajukan", "perlu_dilengkapi", "diverifikasi", "dalam_antrean", "desain", "menunggu_persetujuan",
        "revisi", "disetujui", "produksi", "siap_diambil", "selesai", "ditolak", "dibatalkan",
    }
    assert [Status.SUBMITTED, Status.NEEDS_INFO, Status.VERIFIED, Status.QUEUED, Status.DESIGN] == [
        "diajukan", "perlu_dilengkapi", "diverifikasi", "dalam_antrean", "desain",
    ]
    assert [Status.AWAITING_APPROVAL, Status.REVISION, Status.APPROVED, Status.PRODUCTION, Status.READY] == [
        "menunggu_persetujuan", "revisi", "disetujui", "produksi", "siap_diambil",
    ]
    assert [Status.DONE, Status.REJECTED, Status.CANCELLED] == ["selesai", "ditolak", "dibatalkan"]
    assert [WorkflowKind.FULL, WorkflowKind.DESIGN_ONLY, WorkflowKind.PRINT_ONLY, WorkflowKind.CONSULTATION] == [
        FULL, DESIGN_ONLY, PRINT_ONLY, CONSULTATION,
    ]


def test_state_sets_against_literals():
    assert workflow.TERMINAL == {"selesai", "ditolak", "dibatalkan"}
    assert workflow.IN_PROGRESS == {"desain", "menunggu_persetujuan", "revisi", "disetujui", "produksi"}
    assert workflow.WAITING_FOR_OWNER == {"perlu_dilengkapi", "menunggu_persetujuan", "siap_diambil"}
    assert workflow.OWNER_CANCELLABLE == {
        "diajukan", "perlu_dilengkapi", "diverifikasi", "dalam_antrean", "desain", "menunggu_persetujuan",
        "revisi", "disetujui",
    }
    assert workflow.ACTIVE == set(Status.values) - {"selesai", "ditolak", "dibatalkan"}
    assert workflow.WITH_OFFICE == {"diajukan", "diverifikasi", "dalam_antrean", "desain", "revisi", "disetujui", "produksi"}


# name: (sources, target, roles, kinds, needs_note, special)
TABLE = {
    "verify": ({"diajukan"}, "diverifikasi", {"staff", "admin"}, None, False, True),
    "reject": ({"diajukan", "perlu_dilengkapi", "diverifikasi"}, "ditolak", {"staff", "admin"}, None, True, False),
    "ask_info": (
        {"diajukan", "diverifikasi", "dalam_antrean", "desain"}, "perlu_dilengkapi", {"staff", "admin"}, None, True, False,
    ),
    "resubmit": ({"perlu_dilengkapi"}, "diajukan", {"owner"}, None, False, False),
    "enqueue": ({"diverifikasi"}, "dalam_antrean", {"staff", "admin"}, None, False, False),
    "start_design": ({"dalam_antrean"}, "desain", {"staff", "admin"}, {FULL, DESIGN_ONLY}, False, False),
    "send_proof": ({"desain", "revisi"}, "menunggu_persetujuan", {"staff", "admin"}, {FULL, DESIGN_ONLY}, False, True),
    "request_revision": ({"menunggu_persetujuan"}, "revisi", {"owner"}, {FULL, DESIGN_ONLY}, True, True),
    "approve": ({"menunggu_persetujuan"}, "disetujui", {"owner"}, {FULL, DESIGN_ONLY}, False, True),
    "start_production": ({"disetujui"}, "produksi", {"staff", "admin"}, {FULL}, False, False),
    "start_production_direct": ({"dalam_antrean"}, "produksi", {"staff", "admin"}, {PRINT_ONLY}, False, False),
    "finish_production": ({"produksi"}, "siap_diambil", {"staff", "admin"}, {FULL, PRINT_ONLY}, False, True),
    "deliver_design": ({"disetujui"}, "siap_diambil", {"staff", "admin"}, {DESIGN_ONLY}, False, False),
    "hand_over": ({"siap_diambil"}, "selesai", {"staff", "admin"}, None, False, True),
    "complete_consultation": ({"dalam_antrean"}, "selesai", {"staff", "admin"}, {CONSULTATION}, False, False),
    "cancel": (
        {"diajukan", "perlu_dilengkapi", "diverifikasi", "dalam_antrean", "desain", "menunggu_persetujuan", "revisi", "disetujui"},
        "dibatalkan", {"owner"}, None, True, False,
    ),
    "cancel_by_office": (
        {"diajukan", "perlu_dilengkapi", "diverifikasi", "dalam_antrean", "desain", "menunggu_persetujuan", "revisi",
         "disetujui", "produksi", "siap_diambil"},
        "dibatalkan", {"staff", "admin"}, None, True, False,
    ),
}


def test_the_table_has_exactly_these_transitions():
    assert list(TRANSITIONS) == list(TABLE)


@pytest.mark.parametrize("name", TABLE)
def test_each_transition_against_its_literal_row(name):
    sources, target, roles, kinds, needs_note, special = TABLE[name]
    transition = TRANSITIONS[name]
    assert transition.name == name
    assert transition.sources == sources
    assert transition.target == target
    assert transition.roles == roles
    assert transition.kinds == (kinds or {FULL, DESIGN_ONLY, PRINT_ONLY, CONSULTATION})
    assert transition.needs_note is needs_note
    assert bool(transition.note_label) is needs_note  # a note asked for is always named
    assert transition.special is special


def test_office_cancel_leads_to_cancelled_from_production_and_ready_and_needs_a_reason():
    cancel = TRANSITIONS["cancel_by_office"]
    assert cancel.target == "dibatalkan" and cancel.needs_note
    for status in ("produksi", "siap_diambil"):
        assert workflow.check("cancel_by_office", status=status, kind=FULL, roles=STAFF, is_own=False) is cancel
        with pytest.raises(TransitionError):
            workflow.check("cancel", status=status, kind=FULL, roles=OWNER, is_own=True)


# Actions offered per state, in the order the page lists them.
OFFICE_FULL = {
    "diajukan": ["verify", "reject", "ask_info", "cancel_by_office"],
    "perlu_dilengkapi": ["reject", "cancel_by_office"],
    "diverifikasi": ["reject", "ask_info", "enqueue", "cancel_by_office"],
    "dalam_antrean": ["ask_info", "start_design", "cancel_by_office"],
    "desain": ["ask_info", "send_proof", "cancel_by_office"],
    "menunggu_persetujuan": ["cancel_by_office"],
    "revisi": ["send_proof", "cancel_by_office"],
    "disetujui": ["start_production", "cancel_by_office"],
    "produksi": ["finish_production", "cancel_by_office"],
    "siap_diambil": ["hand_over", "cancel_by_office"],
    "selesai": [],
    "ditolak": [],
    "dibatalkan": [],
}
OWNER_FULL = {
    "diajukan": ["cancel"],
    "perlu_dilengkapi": ["resubmit", "cancel"],
    "diverifikasi": ["cancel"],
    "dalam_antrean": ["cancel"],
    "desain": ["cancel"],
    "menunggu_persetujuan": ["request_revision", "approve", "cancel"],
    "revisi": ["cancel"],
    "disetujui": ["cancel"],
    "produksi": [],
    "siap_diambil": [],
    "selesai": [],
    "ditolak": [],
    "dibatalkan": [],
}


@pytest.mark.parametrize("status", Status.values)
def test_actions_offered_per_role_and_state_on_a_full_service(status):
    assert names(status, FULL, STAFF, is_own=False) == OFFICE_FULL[status]
    assert names(status, FULL, ADMIN, is_own=False) == OFFICE_FULL[status]
    assert names(status, FULL, OWNER, is_own=True) == OWNER_FULL[status]
    assert names(status, FULL, OWNER, is_own=False) == []  # someone else's booking
    assert names(status, FULL, MANAGER, is_own=False) == []  # the head of office reads only
    assert names(status, FULL, frozenset(), is_own=True) == []


@pytest.mark.parametrize(
    "kind, status, office",
    [
        (PRINT_ONLY, "dalam_antrean", ["ask_info", "start_production_direct", "cancel_by_office"]),
        (PRINT_ONLY, "produksi", ["finish_production", "cancel_by_office"]),
        (DESIGN_ONLY, "dalam_antrean", ["ask_info", "start_design", "cancel_by_office"]),
        (DESIGN_ONLY, "disetujui", ["deliver_design", "cancel_by_office"]),
        (DESIGN_ONLY, "produksi", ["cancel_by_office"]),
        (CONSULTATION, "dalam_antrean", ["ask_info", "complete_consultation", "cancel_by_office"]),
        (CONSULTATION, "desain", ["ask_info", "cancel_by_office"]),
        (CONSULTATION, "menunggu_persetujuan", ["cancel_by_office"]),
    ],
)
def test_actions_offered_depend_on_the_kind_of_service(kind, status, office):
    assert names(status, kind, STAFF, is_own=False) == office


def test_owner_approval_is_for_design_services_only():
    assert names("menunggu_persetujuan", DESIGN_ONLY, OWNER, is_own=True) == ["request_revision", "approve", "cancel"]
    assert names("menunggu_persetujuan", PRINT_ONLY, OWNER, is_own=True) == ["cancel"]


def test_an_owner_who_is_also_staff_gets_both_sets_on_their_own_booking():
    both = frozenset({Role.OWNER, Role.STAFF})
    assert names("perlu_dilengkapi", FULL, both, is_own=True) == ["reject", "resubmit", "cancel", "cancel_by_office"]
    assert names("perlu_dilengkapi", FULL, both, is_own=False) == ["reject", "cancel_by_office"]


def test_check_explains_each_refusal():
    with translation.override("en"):
        with pytest.raises(TransitionError) as unknown:
            workflow.check("fly", status="diajukan", kind=FULL, roles=STAFF, is_own=False)
        assert unknown.value.message == "Unknown action."
        with pytest.raises(TransitionError) as wrong_state:
            workflow.check("hand_over", status="diajukan", kind=FULL, roles=STAFF, is_own=False)
        assert str(wrong_state.value) == wrong_state.value.message
        assert wrong_state.value.message == "This action is not possible while the request is “Submitted”."
        with pytest.raises(TransitionError) as wrong_kind:
            workflow.check("start_design", status="dalam_antrean", kind=PRINT_ONLY, roles=STAFF, is_own=False)
        assert "In the queue" in wrong_kind.value.message
        with pytest.raises(TransitionError) as not_allowed:
            workflow.check("verify", status="diajukan", kind=FULL, roles=OWNER, is_own=True)
        assert not_allowed.value.message == "You are not allowed to do this."


def test_check_returns_the_transition():
    assert workflow.check("verify", status="diajukan", kind=FULL, roles=STAFF, is_own=False) is TRANSITIONS["verify"]
    assert workflow.check("cancel", status="desain", kind=FULL, roles=OWNER, is_own=True) is TRANSITIONS["cancel"]


def test_superusers_act_as_admins_and_roles_are_kept():
    class Person:
        def __init__(self, roles, is_superuser):
            self.roles, self.is_superuser = frozenset(roles), is_superuser

    assert workflow.roles_of(Person({"owner"}, False)) == {"owner"}
    assert workflow.roles_of(Person({"owner"}, True)) == {"owner", "admin"}
    assert workflow.roles_of(Person(set(), True)) == {"admin"}
    assert workflow.roles_of(Person({"manager"}, False)) == {"manager"}


def test_paths_against_literals():
    assert workflow.path_for(FULL) == [
        "diajukan", "diverifikasi", "dalam_antrean", "desain", "menunggu_persetujuan", "disetujui", "produksi",
        "siap_diambil", "selesai",
    ]
    assert workflow.path_for(DESIGN_ONLY) == [
        "diajukan", "diverifikasi", "dalam_antrean", "desain", "menunggu_persetujuan", "disetujui", "siap_diambil",
        "selesai",
    ]
    assert workflow.path_for(PRINT_ONLY) == ["diajukan", "diverifikasi", "dalam_antrean", "produksi", "siap_diambil", "selesai"]
    assert workflow.path_for(CONSULTATION) == ["diajukan", "diverifikasi", "dalam_antrean", "selesai"]


def test_every_label_the_workflow_shows_is_translated():
    """A label whose msgid changed would show in English to Indonesian users."""
    labels = [label for _value, label in Status.choices + WorkflowKind.choices]
    for transition in TRANSITIONS.values():
        labels.append(transition.label)
        if transition.note_label:
            labels.append(transition.note_label)
    with translation.override("en"):
        english = [str(label) for label in labels]
    with translation.override("id"):
        indonesian = [str(label) for label in labels]
    assert [en for en, id_ in zip(english, indonesian) if en == id_] == []


def test_the_table_cannot_be_changed_at_run_time():
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        TRANSITIONS["verify"].target = "selesai"
