"""allauth's sign-in form, with the address prefilled when a page asks for a particular one."""

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    """``?login=<address>`` prefills the address (the invitation page links to it this way)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None and not self.is_bound:
            address = self.request.GET.get("login", "")
            if 0 < len(address) <= 254 and "\x00" not in address:
                self.fields["login"].initial = address
