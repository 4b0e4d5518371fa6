"""The REST API's shared parts: one error shape, cursor pagination, role permissions, and the
API tokens (stored hashed: token_store.py, authentication.py; an app for their admin and migration)."""
