"""Reads of the reports app that gather more than one app's figures for a page or an export."""
from __future__ import annotations

from outreach import selectors as outreach_selectors
from reports.metrics import ReportParams, build


def outreach_figures(params: ReportParams) -> dict:
    """Outreach intake of the period, per trip and per regency/city next to the other channels."""
    return {
        "trips": list(outreach_selectors.counts_by_trip(params.start_at, params.end_at)),
        "districts": outreach_selectors.channels_by_district(params.start_at, params.end_at),
    }


def report(params: ReportParams) -> dict:
    """What the report page and its exports show: the throughput report and the outreach figures."""
    return {**build(params), "outreach": outreach_figures(params)}
