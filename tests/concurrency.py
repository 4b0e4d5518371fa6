"""Running several callables at once against a real database (PostgreSQL concurrency tests)."""

import threading

from django.db import connections


def run_at_once(*targets, timeout: float = 60):
    """Start every target together; return what each returned or raised, in order."""
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

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
