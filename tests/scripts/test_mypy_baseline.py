import pytest

from scripts.mypy_baseline import baseline_read, baseline_write, error_count


def test_error_count_reads_mypy_summary_line():
    output = (
        'billing/models.py:1: error: Need type annotation for "x"  [var-annotated]\n'
        "Found 12 errors in 3 files (checked 150 source files)\n"
    )
    assert error_count(output) == 12


def test_error_count_of_a_clean_run_is_zero():
    assert error_count("Success: no issues found in 150 source files\n") == 0


def test_a_crashed_run_is_not_counted_as_clean():
    with pytest.raises(ValueError, match="did not report"):
        error_count("mypy: can't read file 'nowhere': No such file or directory\n")


def test_written_baseline_reads_back(tmp_path):
    path = tmp_path / "baseline.txt"
    baseline_write(42, path)
    assert baseline_read(path) == 42


def test_committed_baseline_is_a_count():
    assert baseline_read() >= 0
