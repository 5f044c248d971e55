from allauth.account.adapter import DefaultAccountAdapter


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts come from an approved application or an invitation."""

    def is_open_for_signup(self, request):
        return False
