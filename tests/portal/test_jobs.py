"""The progress page of a background job, its JSON status and its result."""

import datetime

import pytest
from django.db import OperationalError
from django.urls import reverse

from activities.services.statements import statements_build_start
from activities.tasks import build_statements
from battery_norway.celery import app as celery_app
from members.models import Role
from portal import jobs
from portal.models import JobStatus, PendingTask
from portal.queue import enqueue_after_commit, pending_tasks_dispatch
from tests.factories import UserFactory, active_organisation, member_of
from tests.portal.test_pending_tasks import _closed_port, _configure_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def starter(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture
def job(starter):
    return jobs.job_create(kind="activities.statements", started_by=starter, params={"year": 2025})


def _url(name, job):
    return reverse(f"portal:{name}", kwargs={"pk": job.pk})


def finish(job, content=b"PK result"):
    jobs.job_start(job_id=job.pk, total=2)
    jobs.job_advance(job_id=job.pk, steps=2)
    return jobs.job_finish(job_id=job.pk, message="2", result=content, filename="result.zip")


def test_a_running_job_shows_its_progress_and_refreshes_itself(client, job):
    jobs.job_start(job_id=job.pk, total=4)
    jobs.job_advance(job_id=job.pk)
    response = client.get(_url("job", job))
    content = response.content.decode()
    assert response.status_code == 200
    assert "In-kind statements" in content
    assert '<progress id="job-progress" class="job__bar" max="100" value="25">' in content
    assert "1 of 4 done" in content
    # Without JavaScript a meta refresh; with it, the script polls the status.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in content
    assert "js/job-progress.js" in content
    assert _url("job_status", job) in content
    assert "Download the result" not in content
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_finished_job_offers_its_result_and_stops_refreshing(client, job):
    finish(job)
    response = client.get(_url("job", job))
    content = response.content.decode()
    assert 'value="100"' in content
    assert "Done" in content
    assert _url("job_download", job) in content
    assert 'http-equiv="refresh"' not in content
    assert "job-progress.js" not in content


def test_a_finished_job_links_to_what_it_made(client, job):
    job.params = {"links": [{"label": "The 3 invoices of this run", "url": "/staff/runs/1/"}]}
    job.save(update_fields=["params"])
    content = client.get(_url("job", job)).content.decode()
    assert "The 3 invoices of this run" not in content  # not while it runs

    finish(job)
    content = client.get(_url("job", job)).content.decode()
    assert '<a href="/staff/runs/1/">The 3 invoices of this run</a>' in content


def test_a_failed_job_says_so_with_its_message(client, job):
    jobs.job_start(job_id=job.pk, total=3)
    jobs.job_fail(job_id=job.pk, message="The disk is full.")
    content = client.get(_url("job", job)).content.decode()
    assert "The job failed." in content
    assert "The disk is full." in content
    assert 'http-equiv="refresh"' not in content
    assert _url("job_download", job) not in content


def test_the_status_is_json_for_the_script(client, job):
    jobs.job_start(job_id=job.pk, total=4)
    jobs.job_advance(job_id=job.pk, steps=3)
    response = client.get(_url("job_status", job))
    assert response.json() == {
        "status": "running",
        "status_label": "Running",
        "done": 3,
        "total": 4,
        "percent": 75,
        "steps_text": "3 of 4 done",
        "waiting": False,
        "finished": False,
        "download_url": None,
    }
    finish(job)
    status = client.get(_url("job_status", job)).json()
    assert (status["finished"], status["percent"]) == (True, 100)
    assert status["download_url"] == _url("job_download", job)


def test_the_starter_downloads_the_result(client, job):
    finish(job, b"PK the archive")
    response = client.get(_url("job_download", job))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK the archive"
    assert 'filename="result' in response["Content-Disposition"]


def test_there_is_nothing_to_download_before_the_job_is_done(client, job):
    assert client.get(_url("job_download", job)).status_code == 404


@pytest.mark.parametrize("name", ["job", "job_status", "job_download"])
@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(),
        lambda: UserFactory(is_steering_group=True),
        lambda: member_of(active_organisation(), Role.ADMIN),
    ],
    ids=["user", "steering group", "organisation admin"],
)
def test_anyone_but_the_starter_or_staff_gets_404(client, job, name, make_user):
    finish(job)
    client.force_login(make_user())
    assert client.get(_url(name, job)).status_code == 404


def test_another_member_of_staff_may_watch_the_job(client, job):
    finish(job)
    client.force_login(UserFactory(is_staff=True))
    assert client.get(_url("job", job)).status_code == 200
    download = client.get(_url("job_download", job))
    assert b"".join(download.streaming_content) == b"PK result"


def test_a_job_started_by_a_member_is_theirs_to_watch(client):
    member = member_of(active_organisation())
    job = jobs.job_create(kind="members.import", started_by=member)
    client.force_login(member)
    response = client.get(_url("job", job))
    assert response.status_code == 200
    # An unknown kind still gets a title.
    assert "Background job" in response.content.decode()


def test_a_visitor_is_asked_to_sign_in(job):
    from django.test import Client

    response = Client().get(_url("job", job))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_unknown_job_is_404(client, starter):
    assert client.get(reverse("portal:job", kwargs={"pk": 999})).status_code == 404


@pytest.mark.parametrize("name", ["job", "job_status"])
def test_job_pages_query_count_is_fixed(client, job, django_assert_num_queries, name):
    # session, user, job, whether a job not started waits for the broker (and the navigation on
    # the HTML page)
    with django_assert_num_queries(5 if name == "job" else 4):
        assert client.get(_url(name, job)).status_code == 200


def test_a_redelivered_statements_task_leaves_a_finished_job_alone(job):
    finish(job, b"first")
    build_statements(job_id=job.pk, year=2025)
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.DONE, 2)
    with job.result.open("rb") as handle:
        assert handle.read() == b"first"


def test_the_statements_task_returns_quietly_when_the_job_is_gone():
    build_statements(job_id=12345, year=2025)


def test_a_job_started_again_after_a_lost_worker_counts_from_zero(job):
    jobs.job_start(job_id=job.pk, total=3)
    jobs.job_advance(job_id=job.pk, steps=2)
    jobs.job_start(job_id=job.pk, total=3)
    job.refresh_from_db()
    assert (job.done, job.percent) == (0, 0)


@pytest.fixture
def broker():
    """``broker.down()``: a closed port; ``broker.up()``: in memory, with no worker."""
    previous = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "broker_url": celery_app.conf.broker_url,
    }

    class Broker:
        def down(self) -> None:
            _configure_broker(
                task_always_eager=False, broker_url=f"redis://127.0.0.1:{_closed_port()}/0"
            )

        def up(self) -> None:
            _configure_broker(task_always_eager=False, broker_url="memory://")

    yield Broker()
    _configure_broker(**previous)


WAITING = "Waiting for the task queue; it starts as soon as the queue is back."


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_task_the_broker_refused_says_it_waits_for_the_queue(client, broker):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    broker.down()
    job = statements_build_start(year=2025, started_by=staff)
    assert PendingTask.objects.get().job == job

    content = client.get(_url("job", job)).content.decode()
    assert WAITING in content
    assert "Starting…" not in content
    status = client.get(_url("job_status", job)).json()
    assert (status["waiting"], status["steps_text"], status["finished"]) == (True, WAITING, False)

    broker.up()  # the broker takes the task; no worker runs it here, so the job has not begun
    assert pending_tasks_dispatch(older_than=datetime.timedelta(0)) == 1
    status = client.get(_url("job_status", job)).json()
    assert (status["waiting"], status["steps_text"]) == (False, "Starting…")
    assert WAITING not in client.get(_url("job", job)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_running_job_no_longer_waits_even_if_a_row_of_it_is_left(client, broker, starter):
    broker.down()
    job = jobs.job_create(kind="activities.statements", started_by=starter)
    enqueue_after_commit(build_statements, job_id=job.pk, year=2025)
    assert client.get(_url("job_status", job)).json()["waiting"] is True
    # A redelivered copy started the job while the row's delete had not happened yet.
    jobs.job_start(job_id=job.pk, total=2)
    assert client.get(_url("job_status", job)).json()["waiting"] is False


@pytest.mark.django_db(transaction=True)
def test_a_task_of_another_id_is_linked_to_its_job_by_for_job(broker, starter):
    broker.down()
    job = jobs.job_create(kind="billing.invoice_run", started_by=starter)
    other = jobs.job_create(kind="billing.invoice_run", started_by=starter)
    enqueue_after_commit(build_statements, for_job=job, run_id=7)
    enqueue_after_commit(build_statements, job_id=other.pk, year=2025)
    assert PendingTask.objects.get(job=job).kwargs == {"run_id": 7}
    assert jobs.job_waits_for_queue(job)
    assert jobs.job_waits_for_queue(other)
    assert not jobs.job_waits_for_queue(
        jobs.job_create(kind="billing.invoice_run", started_by=starter)
    )


def test_a_job_is_not_failed_for_a_lost_database_connection_so_its_retry_runs_it(job):
    jobs.job_start(job_id=job.pk, total=2)
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError:
        jobs.job_fail(job_id=job.pk, message="lost")
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING

    try:
        raise ValueError("a real failure")
    except ValueError:
        jobs.job_fail(job_id=job.pk, message="broken")
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, "broken")
