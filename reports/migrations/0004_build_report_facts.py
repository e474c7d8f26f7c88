"""Build the report's roll-up for the bookings an existing database already holds (reports.rollup).

It calls the current ``rollup.rebuild`` rather than historical models: the roll-up is a pure function of
the source tables, and the SELECT it runs is the one the running code defines. Idempotent (delete and
insert), so tests that flush and rerun the data migrations can run it again.
"""
from django.db import migrations

from reports import rollup


def build_facts(apps, schema_editor):
    rollup.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0012_event_action_choices"),
        ("reports", "0003_report_facts"),
    ]

    operations = [migrations.RunPython(build_facts, migrations.RunPython.noop)]
