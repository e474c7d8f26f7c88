from django.core.management.base import BaseCommand

from reports import rollup


class Command(BaseCommand):
    help = "Rebuild the report's roll-up (reports.rollup) from the bookings and their events; --check compares only."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare with the source and repair what differs.")

    def handle(self, *args, **options):
        if options["check"]:
            ids = rollup.check(repair=True)
            self.stdout.write(f"{len(ids)} booking(s) differed and were refreshed.")
            return
        counts = rollup.rebuild()
        self.stdout.write(f"Report facts rebuilt: {counts['bookings']} bookings, {counts['stages']} stage times.")
