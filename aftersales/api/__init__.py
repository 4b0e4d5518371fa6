"""The REST API's shared parts: one error shape, cursor pagination, role permissions."""
