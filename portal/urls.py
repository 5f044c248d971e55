from django.urls import path

from portal import job_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("jobs/<int:pk>/", job_views.JobDetailView.as_view(), name="job"),
    path("jobs/<int:pk>/status.json", job_views.JobStatusView.as_view(), name="job_status"),
    path("jobs/<int:pk>/download/", job_views.JobDownloadView.as_view(), name="job_download"),
]
