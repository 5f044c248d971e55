from django.urls import path

from activities.views import activities, hours, periods, statements, steering, transfer, week

app_name = "activities"

organisation = "organisations/<int:pk>/"
participation = f"{organisation}activities/<int:activity_pk>/participation/"
organisation_hours = f"{organisation}hours/"
entry = f"{organisation_hours}<int:entry_pk>/"

urlpatterns = [
    path("activities/", activities.ActivityListView.as_view(), name="list"),
    path("activities/propose/", activities.ActivityProposeView.as_view(), name="propose"),
    path("activities/<int:activity_pk>/", activities.ActivityDetailView.as_view(), name="detail"),
    path(participation, activities.ParticipationView.as_view(), name="participation"),
    path(
        f"{participation}withdraw/",
        activities.ParticipationWithdrawView.as_view(),
        name="participation_withdraw",
    ),
    path("steering/activities/", steering.SteeringActivitiesView.as_view(), name="steering"),
    path(
        "steering/activities/<int:activity_pk>/decide/",
        steering.ActivityDecideView.as_view(),
        name="decide",
    ),
    path("hours/", hours.HoursHomeView.as_view(), name="hours"),
    path(organisation_hours, hours.HourListView.as_view(), name="hour_list"),
    path(f"{organisation_hours}new/", hours.HourCreateView.as_view(), name="hour_create"),
    path(f"{entry}edit/", hours.HourEditView.as_view(), name="hour_edit"),
    path(f"{entry}delete/", hours.HourDeleteView.as_view(), name="hour_delete"),
    path(f"{organisation_hours}week/", week.WeekGridView.as_view(), name="hour_week"),
    path(f"{organisation_hours}import/", transfer.HourImportView.as_view(), name="hour_import"),
    path(
        f"{organisation_hours}import/template.csv",
        transfer.ImportTemplateView.as_view(),
        name="hour_import_template",
    ),
    path(
        f"{organisation_hours}export.csv",
        transfer.HourExportView.as_view(),
        {"file_format": "csv"},
        name="hour_export_csv",
    ),
    path(
        f"{organisation_hours}export.xlsx",
        transfer.HourExportView.as_view(),
        {"file_format": "xlsx"},
        name="hour_export_xlsx",
    ),
    path(
        f"{organisation_hours}periods/<int:period_pk>/confirm/",
        periods.PeriodConfirmView.as_view(),
        name="period_confirm",
    ),
    path(
        f"{organisation}statements/<int:year>/",
        statements.StatementView.as_view(),
        name="statement",
    ),
    path("staff/hours/", statements.StaffHoursView.as_view(), name="staff_hours"),
]
