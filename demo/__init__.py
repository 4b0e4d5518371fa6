"""Demo and benchmark data: ``manage.py demo`` and ``manage.py seed``.

``demo`` loads the small data set ``make run`` shows; ``seed`` bulk-generates the volumes the
benchmarks run at. The top layer: it may use every other app, and no app uses it.
"""
