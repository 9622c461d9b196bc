"""Settings: one pydantic-settings class per service, all under the ``QMS_`` prefix.

``DATABASE_URL`` and ``KAFKA_BOOTSTRAP_SERVERS`` are also accepted without the prefix,
because that is how operators point any service at external servers.
"""

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QMS_", extra="ignore")

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092",
        validation_alias=AliasChoices("QMS_KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"),
    )
    # Tansu answers an empty fetch only when this wait runs out, so each hop costs about half of it.
    kafka_fetch_max_wait_ms: int = 15
    kafka_session_timeout_ms: int = 6000
    kafka_heartbeat_interval_ms: int = 1000
    kafka_max_poll_records: int = 2000
    kafka_partitions: int = 3
    kafka_replication_factor: int = 1
    consumer_max_retries: int = 3


class ServiceSettings(KafkaSettings):
    """What every service reads; a service subclass adds its own fields."""

    service: str = "qms"
    database_url: str = Field(
        "postgresql://postgres@127.0.0.1:5432/postgres",
        validation_alias=AliasChoices("QMS_DATABASE_URL", "DATABASE_URL"),
    )
    db_password: SecretStr = SecretStr("qms-dev")
    db_pool_size: int = 10
    jwt_secret: SecretStr = SecretStr("dev-secret")
    jwt_jwks_url: str | None = None
    jwt_audience: str | None = None
    outbox_batch_size: int = 500
    outbox_poll_interval_s: float = 1.0
    # What a relay re-publishes when the broker lost its log: events written this recently. Keep it
    # within the inboxes' memory, or a consumer could apply an old event a second time.
    outbox_republish_window_hours: float = 168.0
    log_level: str = "INFO"
    run_consumers: bool = True
    run_relay: bool = True
