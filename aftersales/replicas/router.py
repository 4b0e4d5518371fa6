"""The database router installed when replicas are configured (``DATABASE_ROUTERS``).

Reads go where the request's :class:`~aftersales.replicas.reads.ReplicaReads` says, else to the
primary; every write goes to the primary, and tells the request its later reads must too. The
primary is named explicitly rather than left to Django: an object read from a replica would
otherwise be saved back to the replica it came from.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from aftersales.replicas import reads


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        request_reads = reads.current()
        if request_reads is None:
            return DEFAULT_DB_ALIAS
        return request_reads.alias() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        request_reads = reads.current()
        if request_reads is not None:
            request_reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        """Rows of the primary and of its replicas are the same rows."""
        same_data = {DEFAULT_DB_ALIAS, *settings.DATABASE_REPLICAS}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool | None:
        """A replica is read-only and takes its schema from the primary's."""
        if db in settings.DATABASE_REPLICAS:
            return False
        return None
