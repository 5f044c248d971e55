"""Accepting an invitation: with a new account when signed out, or the current one.

Only the invited address may accept: a signed-in account with another (or an unconfirmed)
address is told which address the invitation is for and offered to sign out and sign in or
create the account with that address.
"""

from urllib.parse import urlencode

from allauth.account.utils import perform_login
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_scopes import scopes_disabled

from members import services
from members.forms import NewAccountForm
from members.models import Invitation, User

TEMPLATE = "members/invitation_accept.html"


def _why_unusable(invitation: Invitation | None) -> str:
    if invitation is None:
        return "unknown"
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    return "expired"


class InvitationAcceptView(View):
    invitation: Invitation | None

    def dispatch(self, request, *args, **kwargs):
        # The token is the only key: the invitation is looked up across organisations (the
        # person has no place in its organisation yet). Pages here render immediately.
        with scopes_disabled():
            self.invitation = (
                Invitation.objects.select_related("organisation")
                .filter(token=kwargs["token"])
                .first()
            )
            if self.invitation is None or not self.invitation.is_usable:
                return self.unusable()
            return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return self.render_page(
                refusal=services.invitation_address_refusal(
                    invitation=self.invitation, user=request.user
                )
            )
        return self.render_page(form=self.new_account_form())

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return self.join_with_current_account()
        return self.join_with_new_account()

    def join_with_current_account(self):
        try:
            organisation_role = services.invitation_accept(
                token=self.invitation.token, user=self.request.user
            )
        except ValidationError as error:
            if error.code in ("address_mismatch", "address_unverified"):
                return self.render_page(refusal=error, status=403)
            return self.unusable(refresh=True)
        self.welcome(organisation_role)
        return redirect("members:organisation", pk=organisation_role.organisation_id)

    def join_with_new_account(self):
        form = self.new_account_form(data=self.request.POST)
        if form is None or not form.is_valid():
            return self.render_page(form=form)
        try:
            organisation_role = services.invitation_accept(
                token=self.invitation.token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            if error.code == "account_exists":
                return self.render_page()
            return self.unusable(refresh=True)
        self.welcome(organisation_role)
        return perform_login(
            self.request,
            organisation_role.user,
            redirect_url=reverse("members:organisation", args=[organisation_role.organisation_id]),
        )

    def new_account_form(self, data=None) -> NewAccountForm | None:
        if User.objects.filter(email__iexact=self.invitation.email).exists():
            return None  # the page asks them to sign in instead
        return NewAccountForm(data=data, email=self.invitation.email)

    def welcome(self, organisation_role) -> None:
        messages.success(
            self.request,
            _("Welcome to %(organisation)s in the Battery Norway member portal.")
            % {"organisation": organisation_role.organisation},
        )

    def render_page(self, form=None, refusal: ValidationError | None = None, status: int = 200):
        query = urlencode({"next": self.request.path, "login": self.invitation.email})
        sign_in_url = f"{reverse('account_login')}?{query}"
        context = {
            "invitation": self.invitation,
            "form": form,
            "sign_in_url": sign_in_url,
            "refusal": refusal,
            "refusal_message": refusal.messages[0] if refusal else "",
            # Signing out lands on the sign-in page, which comes back here afterwards; the
            # invitation page itself offers the new account when the address has none.
            "sign_out_to_sign_in": sign_in_url,
            "sign_out_to_sign_up": self.request.path,
        }
        return render(self.request, TEMPLATE, context, status=status)

    def unusable(self, *, refresh: bool = False):
        if refresh and self.invitation is not None:
            self.invitation.refresh_from_db()
        reason = _why_unusable(self.invitation)
        return render(
            self.request,
            "members/invitation_unusable.html",
            {"invitation": self.invitation, "reason": reason},
            status=404 if reason == "unknown" else 410,
        )
