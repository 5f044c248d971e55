from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("my/", views.home, name="home"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
