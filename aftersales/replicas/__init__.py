"""Reads that tolerate a few seconds of lag, served by PostgreSQL read replicas (docs/read-replicas.md).

``DATABASE_REPLICA_URL`` names one or more streaming replicas of the primary (``config``). A
request may read from one only when all of this holds:

- its view says its answers may lag (``marks``): the dashboard and its lists, exports, reports,
  the metrics API and the API's lists, asked with GET or HEAD;
- it wrote nothing, and its reads are not inside a transaction on the primary;
- the user asking wrote nothing in the last ``REPLICA_PIN_SECONDS`` (``pins``), on any web
  machine, so everyone sees their own changes at once;
- a replica answers (``health``); one that does not is left alone for ``REPLICA_RETRY_SECONDS``.

Otherwise, and always with no replica configured, every read goes to the primary as before. The
middleware decides per request, the router applies the decision to each query (``reads``).
"""
