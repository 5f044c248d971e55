"""``{% has_perm "name" user obj as var %}``: the same answer as the views' mixins give.

rules' own tag asks ``user.has_perm``, which Django answers yes for every superuser; the
member pages follow the predicates of ``portal.rules`` only, so templates ask those directly.
"""

from django import template

from portal import rules

register = template.Library()


@register.simple_tag
def has_perm(permission, user, obj=None) -> bool:
    return rules.allowed(user, permission, obj)
