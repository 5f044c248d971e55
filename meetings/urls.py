from django.urls import path

from meetings.views import (
    checkin,
    meeting,
    minutes,
    polls,
    projector,
    proposals,
    representation,
    roll,
    staff_room,
)

app_name = "meetings"

year = "meetings/<int:year>/"
organisation = f"{year}organisations/<int:pk>/"
version = f"{year}minutes/<int:version>/"

urlpatterns = [
    path("meetings/", meeting.MeetingListView.as_view(), name="list"),
    path(year, meeting.MeetingDetailView.as_view(), name="detail"),
    path(
        f"{year}documents/<int:document_pk>/",
        meeting.DocumentDownloadView.as_view(),
        name="document",
    ),
    path(f"{year}roll/", roll.RollView.as_view(), name="roll"),
    path(
        f"{year}roll.csv",
        roll.RollExportView.as_view(),
        {"file_format": "csv"},
        name="roll_csv",
    ),
    path(
        f"{year}roll.xlsx",
        roll.RollExportView.as_view(),
        {"file_format": "xlsx"},
        name="roll_xlsx",
    ),
    path(f"{year}roll.pdf", roll.RollPdfView.as_view(), name="roll_pdf"),
    path(
        f"{organisation}representation/",
        representation.RepresentationView.as_view(),
        name="representation",
    ),
    path(
        f"{organisation}proxies/<int:proxy_pk>/withdraw/",
        representation.ProxyWithdrawView.as_view(),
        name="proxy_withdraw",
    ),
    path(
        f"{organisation}proposals/new/",
        proposals.ProposalCreateView.as_view(),
        name="proposal_new",
    ),
    path(f"{year}minutes/", minutes.MinutesListView.as_view(), name="minutes"),
    path(
        f"{version}minutes.pdf",
        minutes.MinutesPdfView.as_view(document="approved"),
        name="minutes_pdf",
    ),
    path(
        f"{version}draft.pdf",
        minutes.MinutesPdfView.as_view(document="draft"),
        name="minutes_draft_pdf",
    ),
    path(f"{version}approve/", minutes.MinutesApproveView.as_view(), name="minutes_approve"),
]

# The poll pages ------------------------------------------------------------------------------
# Check-in, the live poll (and casting), its JSON state, receipts, projector and staff room.
urlpatterns += [
    path(f"{year}check-in/", checkin.CheckInView.as_view(), name="checkin"),
    path(f"{year}polls/", polls.PollLiveView.as_view(), name="poll_live"),
    path(f"{year}polls/state.json", polls.PollStateView.as_view(), name="poll_state"),
    path(
        f"{year}polls/<int:poll_pk>/receipts/",
        polls.ReceiptListView.as_view(),
        name="poll_receipts",
    ),
    path(f"{year}projector/", projector.ProjectorView.as_view(), name="projector"),
    path(f"{year}room/", staff_room.StaffRoomView.as_view(), name="staff_room"),
]
