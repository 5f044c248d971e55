from members.selectors import organisations_for


def navigation(request):
    """The organisations the signed-in user belongs to, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_organisations": organisations_for(user).only("id", "name")}
