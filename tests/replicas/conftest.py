"""The replica tests' settings: the replicas a test configures, and no replica left marked down."""

import pytest

from aftersales.replicas import health

ROUTERS = ["aftersales.replicas.router.ReplicaRouter"]


@pytest.fixture(autouse=True)
def no_replica_marked_down(monkeypatch):
    """Each test starts with every replica worth trying, whatever an earlier test found down."""
    monkeypatch.setattr(health, "_down_until", {})


@pytest.fixture
def replicas(settings):
    """Configure the replicas a test names, as DATABASE_REPLICA_URL would."""

    def configure(*aliases: str, pin_seconds: int = 60, retry_seconds: int = 30) -> None:
        settings.DATABASE_REPLICAS = list(aliases)
        settings.DATABASE_ROUTERS = ROUTERS
        settings.REPLICA_PIN_SECONDS = pin_seconds
        settings.REPLICA_RETRY_SECONDS = retry_seconds

    return configure
