#!/usr/bin/env bash
# Runs once, when the Postgres data volume is first initialised (docker-entrypoint-initdb.d).
# The same rights model as shared/bootstrap.py: one login role per service (qms_<service>) that owns
# only its own schema; PUBLIC has no rights on any of them and may not create in `public`, so a service
# that tried to read another's tables would be refused by Postgres itself (SPEC §1).
# `python -m shared.cli migrate` asserts the same state again on every deployment.
set -euo pipefail

: "${QMS_DB_PASSWORD:?QMS_DB_PASSWORD must be set for the service roles}"

psql --set ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set password="$QMS_DB_PASSWORD" <<'SQL'
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

SELECT format('CREATE ROLE %I LOGIN', 'qms_' || service)
FROM unnest(ARRAY['intake', 'classification', 'sanctions', 'crm', 'notify']) AS service
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'qms_' || service)
\gexec

ALTER ROLE qms_intake LOGIN PASSWORD :'password';
ALTER ROLE qms_classification LOGIN PASSWORD :'password';
ALTER ROLE qms_sanctions LOGIN PASSWORD :'password';
ALTER ROLE qms_crm LOGIN PASSWORD :'password';
ALTER ROLE qms_notify LOGIN PASSWORD :'password';

CREATE SCHEMA IF NOT EXISTS intake AUTHORIZATION qms_intake;
CREATE SCHEMA IF NOT EXISTS classification AUTHORIZATION qms_classification;
CREATE SCHEMA IF NOT EXISTS sanctions AUTHORIZATION qms_sanctions;
CREATE SCHEMA IF NOT EXISTS crm AUTHORIZATION qms_crm;
CREATE SCHEMA IF NOT EXISTS notify AUTHORIZATION qms_notify;

ALTER SCHEMA intake OWNER TO qms_intake;
ALTER SCHEMA classification OWNER TO qms_classification;
ALTER SCHEMA sanctions OWNER TO qms_sanctions;
ALTER SCHEMA crm OWNER TO qms_crm;
ALTER SCHEMA notify OWNER TO qms_notify;

REVOKE ALL ON SCHEMA intake FROM PUBLIC;
REVOKE ALL ON SCHEMA classification FROM PUBLIC;
REVOKE ALL ON SCHEMA sanctions FROM PUBLIC;
REVOKE ALL ON SCHEMA crm FROM PUBLIC;
REVOKE ALL ON SCHEMA notify FROM PUBLIC;

ALTER ROLE qms_intake SET search_path = intake;
ALTER ROLE qms_classification SET search_path = classification;
ALTER ROLE qms_sanctions SET search_path = sanctions;
ALTER ROLE qms_crm SET search_path = crm;
ALTER ROLE qms_notify SET search_path = notify;
SQL
