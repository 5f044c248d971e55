from django.urls import path

from portal import enrolment_views, job_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("jobs/<int:pk>/", job_views.JobDetailView.as_view(), name="job"),
    path(
        "two-factor/enrol/",
        enrolment_views.StaffEnrolmentView.as_view(),
        name="staff_enrolment",
    ),
    path(
        "two-factor/enrol/<str:token>/",
        enrolment_views.StaffEnrolmentLinkView.as_view(),
        name="staff_enrolment_link",
    ),
    path("jobs/<int:pk>/status.json", job_views.JobStatusView.as_view(), name="job_status"),
    path("jobs/<int:pk>/download/", job_views.JobDownloadView.as_view(), name="job_download"),
]
