from tests.money_fixtures import sablon, sablon_booking, shift_days, treasurer  # noqa: F401 - fixtures
