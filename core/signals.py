"""Signals of the core layer that higher apps answer (connected in their ``AppConfig.ready``)."""
from django.dispatch import Signal

# Sent by ``seed_demo`` after it made the demo accounts and business for the first time, with
# ``users`` (username → User). Apps above add their own demo data (the store, a paid print job).
demo_data_seeded = Signal()
