"""Every question the portal asks about who may do what, answered once (the ``rules`` package).

Views declare a permission name (``portal.permissions.PermissionRequiredMixin``), templates ask
with ``{% has_perm %}`` (``{% load portal_rules %}``) and the navigation
(``portal.context_processors``) is built from the same names. Services that guard a rule
themselves ask the same predicate (``allowed``).

Answers are kept on the user object, a fresh one every request: the organisation mixin loads
the organisation together with the user's role in one query; ``organisations_of`` loads all of
the user's organisations with their roles and participation in one query, shared by the
members-only check, the navigation and the activity page; a role asked about otherwise is read
once. Superuser status does not widen these permissions: member pages follow the roles; the
administration has Django's own permissions.
"""

from __future__ import annotations

import rules
from django.db.models import OuterRef

from activities.models import ActivityStatus
from members.models import Organisation, OrganisationRole, Role
from members.selectors import organisations_for_navigation

_ROLES_ATTRIBUTE = "_portal_roles"
_ORGANISATIONS_ATTRIBUTE = "_portal_organisations"


def _organisation_id(organisation) -> int | None:
    if organisation is None:
        return None
    return organisation.pk if isinstance(organisation, Organisation) else int(organisation)


def remember_role(user, organisation_id: int, role: str | None) -> None:
    """Keep ``user``'s role in one organisation (None: no role) for the rest of the request."""
    if not user.is_authenticated:
        return
    roles = user.__dict__.setdefault(_ROLES_ATTRIBUTE, {})
    roles[organisation_id] = role


def organisations_of(user) -> list[Organisation]:
    """All of the user's organisations, each with ``user_role`` and ``is_active_participant``:
    one query per request, shared by the navigation and the predicates (their roles are
    remembered too)."""
    if not user.is_authenticated:
        return []
    if _ORGANISATIONS_ATTRIBUTE not in user.__dict__:
        organisations = organisations_for_navigation(user)
        for organisation in organisations:
            remember_role(user, organisation.pk, organisation.user_role)
        user.__dict__[_ORGANISATIONS_ATTRIBUTE] = organisations
    return user.__dict__[_ORGANISATIONS_ATTRIBUTE]


def role_in(user, organisation) -> str | None:
    """``user``'s role (``Role``) in ``organisation`` (instance or id), None without one."""
    organisation_id = _organisation_id(organisation)
    if organisation_id is None or not user.is_authenticated:
        return None
    roles = user.__dict__.setdefault(_ROLES_ATTRIBUTE, {})
    if organisation_id not in roles:
        roles[organisation_id] = (
            OrganisationRole.objects.filter(user=user, organisation_id=organisation_id)
            .values_list("role", flat=True)
            .first()
        )
    return roles[organisation_id]


def role_annotation(user):
    """A subquery for ``Organisation.objects.annotate(user_role=...)``: the role in one query."""
    return OrganisationRole.objects.filter(organisation=OuterRef("pk"), user=user).values("role")[
        :1
    ]


# --- Predicates -------------------------------------------------------------------------------


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


@rules.predicate
def is_secretariat(user) -> bool:
    """The secretariat: staff accounts."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def is_steering_group_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_steering_group)


is_steering = is_steering_group_member | is_secretariat


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    """Any role in the organisation."""
    return role_in(user, organisation) is not None


@rules.predicate
def is_organisation_admin(user, organisation) -> bool:
    return role_in(user, organisation) == Role.ADMIN


@rules.predicate
def is_person_of_active_participant(user) -> bool:
    """The user belongs to an organisation that is an active participant today."""
    return any(organisation.is_active_participant for organisation in organisations_of(user))


can_see_member_pages = is_secretariat | is_steering_group_member | is_person_of_active_participant


@rules.predicate
def started_job(user, job) -> bool:
    return job is not None and user.is_authenticated and job.started_by_id == user.pk


@rules.predicate
def is_hour_entry_visible(user, entry) -> bool:
    """An organisation's admins see every entry of it; a plain member only their own."""
    if entry is None or not user.is_authenticated:
        return False
    if is_organisation_admin(user, entry.organisation_id):
        return True
    return entry.person_id == user.pk and is_organisation_member(user, entry.organisation_id)


@rules.predicate
def may_log_hours_for(user, organisation_role) -> bool:
    """Hours for the person of ``organisation_role`` (a place in an organisation): the person
    themselves, or an admin of that organisation."""
    if organisation_role is None or not user.is_authenticated:
        return False
    if organisation_role.user_id == user.pk:
        return True
    return is_organisation_admin(user, organisation_role.organisation_id)


@rules.predicate
def is_activity_listed(user, activity) -> bool:
    """Activities the member pages list: every one that is not cancelled (proposals included,
    as the list shows them)."""
    return activity is not None and activity.status != ActivityStatus.CANCELLED


@rules.predicate
def is_activity_of_own_organisation(user, activity) -> bool:
    """The proposer of an activity, and the people of the organisation that owns it."""
    if activity is None or not user.is_authenticated:
        return False
    if activity.proposed_by_id == user.pk:
        return True
    return activity.owner_id is not None and is_organisation_member(user, activity.owner_id)


# --- Permissions ------------------------------------------------------------------------------

PERMISSIONS = {
    # the secretariat's pages outside the administration
    "portal.staff": is_secretariat,
    # the steering group's decisions (the secretariat too)
    "portal.steering": is_steering,
    # members-only pages: directory, competence, activities
    "portal.view_member_pages": can_see_member_pages,
    # a background job's progress page and result (object: Job)
    "portal.view_job": is_secretariat | started_job,
    # object: Organisation
    "members.view_organisation": is_organisation_member,
    "members.admin_organisation": is_organisation_admin,
    # an organisation's in-kind statement (object: Organisation)
    "activities.view_statement": is_secretariat | is_organisation_admin,
    # confirming an organisation's hours in a period (object: Organisation)
    "activities.confirm_period": is_organisation_admin,
    # object: HourEntry
    "activities.view_hour_entry": is_hour_entry_visible,
    # object: OrganisationRole of the person the hours are for
    "activities.log_hours_for": may_log_hours_for,
    # object: Activity; a cancelled or declined one only for those it concerns
    "activities.view_activity": (can_see_member_pages & is_activity_listed)
    | is_steering
    | is_activity_of_own_organisation,
    # the annual meeting's pages: notice, agenda, roll, live polls, minutes (members-only)
    "meetings.view_meeting": can_see_member_pages,
    # naming the representative, giving a proxy, sending a proposal (object: Organisation);
    # whether the organisation may vote is the meeting services' rule
    "meetings.represent_organisation": is_organisation_admin,
}

for _name, _predicate in PERMISSIONS.items():
    rules.set_perm(_name, _predicate)


def allowed(user, permission: str, obj=None) -> bool:
    """Whether ``user`` has ``permission`` (a name above) on ``obj``."""
    return rules.has_perm(permission, user, obj)
