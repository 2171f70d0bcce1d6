from govhall.ops.jobs import PERIODIC_JOBS, PeriodicJob, run_periodic_round


def test_a_failing_job_does_not_stop_the_round(caplog):
    ran = []

    def broken() -> None:
        ran.append("broken")
        raise RuntimeError("gateway down")

    jobs = (PeriodicJob("坏的", broken), PeriodicJob("好的", lambda: ran.append("good")))
    assert run_periodic_round(jobs) == ["坏的"]
    assert ran == ["broken", "good"]
    assert "periodic job failed: 坏的" in caplog.text


def test_the_worker_runs_the_sweep_before_the_scan():
    assert [job.name for job in PERIODIC_JOBS] == ["评价提醒与默认评价", "电子监察扫描"]


def test_the_real_round_runs_on_an_empty_database(db):
    assert run_periodic_round() == []
