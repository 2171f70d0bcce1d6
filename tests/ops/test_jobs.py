from govhall.ops.jobs import PERIODIC_JOBS, PeriodicJob, Schedule, run_periodic_round


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
    assert [job.name for job in PERIODIC_JOBS] == [
        "回收失联进程的任务",
        "评价提醒与默认评价",
        "电子监察扫描",
        "清理过期的访问频率计数",
        "清理未使用的上传文件",
        "电子证照到期",
    ]


def test_the_real_round_runs_on_an_empty_database(db):
    assert run_periodic_round() == []


def test_each_job_runs_when_it_is_due():
    ran = []
    fast = PeriodicJob("快", lambda: ran.append("fast"), every=lambda: 1.0)
    slow = PeriodicJob("慢", lambda: ran.append("slow"), every=lambda: 300.0)
    schedule = Schedule((fast, slow))
    for second in range(0, 5):
        schedule.run_due(now=1000.0 + second)
    assert ran.count("fast") == 5 and ran.count("slow") == 1
    schedule.run_due(now=1300.0)
    assert ran.count("slow") == 2
