"""Running several callables at once against a real database (PostgreSQL concurrency tests)."""

import contextvars
import threading

from django.db import connections


def run_at_once(*targets, timeout: float = 60):
    """Start every target together; return what each returned or raised, in order. Each thread
    runs in a copy of the caller's context, so it acts in the caller's scope (aftersales/scoping.py)
    as a request's or a task's own thread would."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def runner(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as exc:  # noqa: BLE001 - the caller inspects what was raised
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(runner, i, t)) for i, t in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
