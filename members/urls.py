from django.urls import path

from members.views import competence, directory, invitations, organisations, people, public

app_name = "members"

organisation = "organisations/<int:pk>/"

urlpatterns = [
    path("apply/", public.ApplyView.as_view(), name="apply"),
    path("apply/thanks/", public.ApplyThanksView.as_view(), name="apply_thanks"),
    path("my/", organisations.MemberHomeView.as_view(), name="home"),
    path(organisation, organisations.OrganisationDetailView.as_view(), name="organisation"),
    path(
        f"{organisation}edit/",
        organisations.OrganisationEditView.as_view(),
        name="organisation_edit",
    ),
    path(f"{organisation}people/", people.PeopleView.as_view(), name="people"),
    path(
        f"{organisation}people/<int:role_pk>/role/",
        people.PersonRoleChangeView.as_view(),
        name="person_role",
    ),
    path(
        f"{organisation}people/<int:role_pk>/remove/",
        people.PersonRemoveView.as_view(),
        name="person_remove",
    ),
    path(
        f"{organisation}invitations/<int:invitation_pk>/revoke/",
        people.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(
        f"{organisation}competence/new/",
        competence.CompetenceCreateView.as_view(),
        name="competence_add",
    ),
    path(
        f"{organisation}competence/<int:competence_pk>/edit/",
        competence.CompetenceEditView.as_view(),
        name="competence_edit",
    ),
    path(
        f"{organisation}competence/<int:competence_pk>/delete/",
        competence.CompetenceDeleteView.as_view(),
        name="competence_delete",
    ),
    path(
        "invitations/<str:token>/",
        invitations.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("directory/", directory.DirectoryView.as_view(), name="directory"),
    path("competence/", competence.CompetenceListView.as_view(), name="competence"),
]
