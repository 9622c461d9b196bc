"""Settings: one pydantic-settings class per service, all under the ``QMS_`` prefix.

``DATABASE_URL`` and ``KAFKA_BOOTSTRAP_SERVERS`` are also accepted without the prefix,
because that is how operators point any service at external servers.
"""

from typing import Literal, Self

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_JWT_SECRET = "dev-secret"  # SPEC §8 fixes it for development
MIN_PRODUCTION_SECRET_BYTES = 32


class KafkaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QMS_", extra="ignore")

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092",
        validation_alias=AliasChoices("QMS_KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"),
    )
    # The broker the clients are tuned for (shared.kafka.PROFILES): the embedded Tansu of the
    # development stack, or Apache Kafka in production.
    kafka_profile: Literal["embedded", "kafka"] = "embedded"
    # Unset: the profile's.
    kafka_fetch_max_wait_ms: int | None = None
    kafka_session_timeout_ms: int | None = None
    kafka_heartbeat_interval_ms: int | None = None
    kafka_idle_fetch_max_wait_ms: int | None = None
    kafka_max_poll_records: int = 2000
    kafka_partitions: int = 3
    kafka_replication_factor: int = 1
    consumer_max_retries: int = 3
    # A production cluster: TLS and/or SASL (the embedded broker speaks PLAINTEXT).
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = None


class ServiceSettings(KafkaSettings):
    """What every service reads; a service subclass adds its own fields."""

    service: str = "qms"
    env: str = Field("development", description="`production` refuses development credentials (SPEC §9)")
    database_url: str = Field(
        "postgresql://postgres@127.0.0.1:5432/postgres",
        validation_alias=AliasChoices("QMS_DATABASE_URL", "DATABASE_URL"),
    )
    db_password: SecretStr = SecretStr("qms-dev")
    # Production: each schema owned by a role of its own (qms_<service>_owner) that only migrations
    # use; the service's login role gets DML on its schema, no DDL.
    db_separate_owner: bool = False
    db_pool_size: int = 10
    jwt_secret: SecretStr = SecretStr(DEVELOPMENT_JWT_SECRET)
    jwt_jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    outbox_batch_size: int = 500
    # The relay wakes on NOTIFY (and when its listening connection drops); this fallback only bounds
    # how long an idle relay goes without looking whether the broker lost its log.
    outbox_poll_interval_s: float = 10.0
    # What a relay re-publishes when the broker lost its log: events written this recently. Keep it
    # within the inboxes' memory, or a consumer could apply an old event a second time.
    outbox_republish_window_hours: float = 168.0
    log_level: str = "INFO"
    run_consumers: bool = True
    run_relay: bool = True
    # Inbox rows, published outbox rows and idempotency keys older than this are deleted.
    retention_days: int = Field(30, ge=1)
    retention_interval_s: float = Field(3600.0, gt=0)

    @model_validator(mode="after")
    def production_trusts_no_development_tokens(self) -> Self:
        """SPEC §9 Tokens: a production service does not start on credentials anyone could mint tokens with."""
        if self.env != "production":
            return self
        problems = production_token_problems(
            self.jwt_secret.get_secret_value(), self.jwt_jwks_url, self.jwt_issuer, self.jwt_audience
        )
        if problems:
            raise ValueError("QMS_ENV=production: " + "; ".join(problems))
        return self


def production_token_problems(secret: str, jwks_url: str | None, issuer: str | None, audience: str | None) -> list[str]:
    """What keeps these token settings out of production: with a JWKS the issuer and audience to
    check, else (HS256) a secret of its own of at least 32 bytes."""
    if jwks_url:
        return [
            f"QMS_JWT_{name.upper()} is required with QMS_JWT_JWKS_URL"
            for name, value in (("issuer", issuer), ("audience", audience))
            if not value
        ]
    if secret == DEVELOPMENT_JWT_SECRET:
        return ["QMS_JWT_SECRET is the development secret"]
    if len(secret.encode()) < MIN_PRODUCTION_SECRET_BYTES:
        return [f"QMS_JWT_SECRET is shorter than {MIN_PRODUCTION_SECRET_BYTES} bytes"]
    return []


class MigrateSettings(ServiceSettings):
    """What ``shared.cli migrate`` reads besides: each service role's own password
    (``QMS_DB_PASSWORD_INTAKE`` …); one left unset is ``QMS_DB_PASSWORD``."""

    db_password_intake: SecretStr | None = None
    db_password_classification: SecretStr | None = None
    db_password_sanctions: SecretStr | None = None
    db_password_crm: SecretStr | None = None
    db_password_notify: SecretStr | None = None

    def service_passwords(self, services: tuple[str, ...]) -> dict[str, str]:
        passwords = {}
        for service in services:
            own: SecretStr | None = getattr(self, f"db_password_{service}", None)
            passwords[service] = (own or self.db_password).get_secret_value()
        return passwords
