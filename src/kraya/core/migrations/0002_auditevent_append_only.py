"""OPEN-5: on PostgreSQL the database itself refuses UPDATE and DELETE on the
audit log, whoever asks (the ORM, raw SQL, a console session).

TRUNCATE is deliberately not blocked: Django's test flush (transactional and
live-server browser tests) truncates every table, and those tests run on
PostgreSQL too. In production, revoke TRUNCATE on core_auditevent from the
application's database role (`REVOKE TRUNCATE ON core_auditevent FROM kraya;`)
so only the table owner could; `kraya audit verify` detects what it would do
to the chain against a published head.

SQLite has no equivalent worth the name; there the chain and `kraya audit
verify` are the protection."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION kraya_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- (no printf-style placeholders: Django passes this text through a formatter)
    RAISE EXCEPTION USING
        MESSAGE = 'core_auditevent is append-only: ' || TG_OP || ' of seq ' || OLD.seq || ' refused',
        ERRCODE = 'restrict_violation',
              HINT = 'The audit log (OPEN-5) is never changed; append a correcting event.';
END;
$$;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION kraya_audit_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS kraya_audit_refuse_change();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]
