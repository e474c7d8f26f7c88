"""Charts drawn on the server as SVG geometry: light on a phone, no script, print well."""
from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 36, 28, 10


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float
    label: str
    series: int = 0

    def __post_init__(self):
        # SVG wants plain numbers: round here, and the templates render them unlocalized.
        self.x, self.y, self.width, self.height = (round(v, 1) for v in (self.x, self.y, self.width, self.height))


def _scale(maximum: float) -> float:
    return (HEIGHT - PAD_BOTTOM - PAD_TOP) / maximum if maximum else 0


def grouped_bars(groups: list[tuple[str, list[float]]]) -> dict:
    """Vertical bars, one group per label, one bar per series in each group."""
    series = max((len(values) for _label, values in groups), default=1)
    maximum = max((v for _label, values in groups for v in values), default=0)
    scale = _scale(maximum)
    slot = (WIDTH - PAD_LEFT) / max(len(groups), 1)
    bar_width = max(slot * 0.8 / series, 1)
    bars, ticks = [], []
    for i, (label, values) in enumerate(groups):
        for j, value in enumerate(values):
            height = value * scale
            bars.append(Bar(PAD_LEFT + i * slot + j * bar_width + slot * 0.1, HEIGHT - PAD_BOTTOM - height, bar_width, height, value, label, j))
        if len(groups) <= 12 or i % max(len(groups) // 8, 1) == 0:
            ticks.append({"x": round(PAD_LEFT + i * slot + slot / 2, 1), "label": label})
    return {"bars": bars, "ticks": ticks, "max": maximum, **_frame()}


def line(points: list[tuple[str, float]]) -> dict:
    maximum = max((v for _l, v in points), default=0)
    scale = _scale(maximum)
    step = (WIDTH - PAD_LEFT) / max(len(points) - 1, 1)
    coords = [(PAD_LEFT + i * step, HEIGHT - PAD_BOTTOM - v * scale) for i, (_l, v) in enumerate(points)]
    ticks = [{"x": round(x, 1), "label": label} for i, ((label, _v), (x, _y)) in enumerate(zip(points, coords))
             if len(points) <= 12 or i % max(len(points) // 8, 1) == 0]
    return {"path": " ".join(f"{x:.1f},{y:.1f}" for x, y in coords), "ticks": ticks, "max": maximum, **_frame()}


def horizontal_bars(items: list[tuple[str, float]]) -> dict:
    maximum = max((v for _l, v in items), default=0)
    row = 22
    label_width = 150
    width = WIDTH - label_width - 40
    bars = [
        Bar(label_width, i * row + 4, (value / maximum * width) if maximum else 0, row - 8, value, label)
        for i, (label, value) in enumerate(items)
    ]
    return {"bars": bars, "width": WIDTH, "height": max(len(items), 1) * row + 8, "label_width": label_width}


def _frame() -> dict:
    return {"width": WIDTH, "height": HEIGHT, "left": PAD_LEFT, "bottom": HEIGHT - PAD_BOTTOM, "top": PAD_TOP}


def charts(report: dict) -> dict:
    weeks = report["weekly"]
    return {
        "throughput": grouped_bars([(w["week"].strftime("%d/%m"), [w["submitted"], w["completed"]]) for w in weeks]),
        "backlog": line([(w["week"].strftime("%d/%m"), w["backlog"]) for w in weeks]),
        "distribution": grouped_bars([
            (f"{d['low']}–{d['high']}" if d["high"] else f"≥{d['low']}", [d["count"]]) for d in report["distribution"]
        ]),
        "districts": horizontal_bars([(str(row["label"]), row["umkm"]) for row in report["breakdowns"]["district"]]),
    }
