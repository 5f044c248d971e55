"""The portal's routes, found by walking the URL resolver (no list kept by hand)."""

import re
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

# Not the portal's own forms: the administration is driven model by model (test_admin_forms),
# sign-in and sign-up pages belong to allauth, the language switcher to Django.
EXCLUDED_PREFIXES = ("admin/", "accounts/", "i18n/")
PORTAL_APPS = ("members", "activities", "billing", "meetings", "portal")


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name
    route: str
    view_class: type | None

    @property
    def keywords(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)

    @property
    def allows_get(self) -> bool:
        methods = getattr(self.view_class, "http_method_names", ["get"])
        return "get" in methods and (self.view_class is None or hasattr(self.view_class, "get"))

    @property
    def handles_post(self) -> bool:
        view = self.view_class
        if view is None:
            return False
        return "post" in view.http_method_names and (
            hasattr(view, "post") or getattr(view, "form_class", None) is not None
        )

    @property
    def is_list(self) -> bool:
        return getattr(self.view_class, "paginate_by", None) is not None


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            space = pattern.namespace
            full = f"{namespace}:{space}" if namespace and space else (space or namespace)
            yield from _walk(pattern.url_patterns, route, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(name, route, getattr(pattern.callback, "view_class", None))


def portal_routes() -> list[Route]:
    """Every named route outside the administration, allauth and the language switcher."""
    return [
        route
        for route in _walk(get_resolver().url_patterns)
        if not route.route.startswith(EXCLUDED_PREFIXES)
    ]


def admin_models() -> list[str]:
    """Labels (app.Model) of the portal's own models in the administration."""
    return sorted(
        model._meta.label for model in admin.site._registry if model._meta.app_label in PORTAL_APPS
    )


def admin_tool_routes() -> list[str]:
    """Extra pages the portal's model admins add (bank import, accounting export…)."""
    standard = ("_changelist", "_add", "_change", "_delete", "_history", "_autocomplete")
    names = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None)
            if name and not name.endswith(standard) and not re.search(r"<", str(pattern.pattern)):
                names.append(f"admin:{name}")
    return sorted(set(names))
