import subprocess
import sys
from pathlib import Path

from activities.services.statements import STATEMENTS_JOB
from billing.services.runs import RUN_JOB_KIND
from portal.jobs import job_kind_label

ROOT = Path(__file__).resolve().parents[2]


def test_each_app_names_its_job_kinds():
    assert str(job_kind_label(STATEMENTS_JOB)) == "In-kind statements"
    assert str(job_kind_label(RUN_JOB_KIND)) == "Invoice run"
    assert str(job_kind_label("unknown.kind")) == "Background job"


def test_job_kinds_are_registered_when_the_apps_load_without_any_view_imported():
    # A fresh interpreter: only django.setup(), no URLconf, so no view module is imported.
    script = (
        "import django, sys; django.setup()\n"
        "from django.utils import translation; translation.activate('en')\n"
        "from portal.jobs import job_kind_label\n"
        "apps = ('activities', 'billing', 'members', 'portal')\n"
        "views = [m for m in sys.modules if m.startswith(apps) and '.views' in m]\n"
        "assert not views, views\n"
        f"print(job_kind_label({STATEMENTS_JOB!r}), '|', job_kind_label({RUN_JOB_KIND!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "In-kind statements | Invoice run"
