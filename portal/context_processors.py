from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from portal import rules


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def navigation(request):
    """The navigation bar, built once from the permissions of ``portal.rules``.

    ``nav_organisations`` are the user's organisations (one query, which also answers the
    request's role and membership questions); ``nav_items`` the links the user may follow.
    Both are lazy: a response that renders no page makes no query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    nav_organisations = SimpleLazyObject(lambda: rules.organisations_of(user))
    return {
        "nav_organisations": nav_organisations,
        "nav_items": SimpleLazyObject(lambda: nav_items(user, list(nav_organisations))),
    }


def nav_items(user, organisations) -> list[NavItem]:
    one = organisations[0] if len(organisations) == 1 else None
    if one is not None:
        items = [NavItem(_("My organisation"), reverse("members:organisation", args=[one.pk]))]
    else:
        label = _("My organisations") if organisations else _("My page")
        items = [NavItem(label, reverse("members:home"))]
    if rules.allowed(user, "portal.view_member_pages"):
        items += [
            NavItem(_("Directory"), reverse("members:directory")),
            NavItem(_("Competence"), reverse("members:competence")),
            NavItem(_("Activities"), reverse("activities:list")),
        ]
    if rules.allowed(user, "meetings.view_meeting"):
        items.append(NavItem(_("Annual meeting"), reverse("meetings:list")))
    is_staff = rules.allowed(user, "portal.staff")
    if one is not None:
        items.append(NavItem(_("Hours"), reverse("activities:hour_list", args=[one.pk])))
    elif organisations or is_staff:
        items.append(NavItem(_("Hours"), reverse("activities:hours")))
    if one is not None and rules.allowed(user, "members.view_organisation", one):
        items.append(
            NavItem(_("Invoices"), reverse("billing:organisation_invoices", args=[one.pk]))
        )
    if rules.allowed(user, "portal.steering"):
        items.append(NavItem(_("Steering group"), reverse("activities:steering")))
    if is_staff:
        items += [
            NavItem(_("Invoicing"), reverse("billing:runs")),
            NavItem(_("Administration"), reverse("admin:index")),
        ]
    items.append(NavItem(_("My account"), reverse("account_change_password")))
    return items
