"""Small server-rendered SVG charts: no JavaScript, no external assets.

Each chart carries a <title> and <desc> for screen readers; pages also show the same numbers as text.
"""

import datetime
import itertools
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_chart_ids = itertools.count(1)

BAR_HEIGHT = 22
BAR_GAP = 6
# Each label has a line of its own above its bar: beside the bar, long labels ("Sent from own mail app" in
# Czech or German) were clipped at the chart's left edge.
LABEL_LINE = 16
BAR_AREA = 340
VALUE_WIDTH = 60


def _accessible_header(*, title: str, description: str) -> tuple[str, SafeString]:
    chart_id = f"chart-{next(_chart_ids)}"
    header = format_html(
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>', chart_id, title, chart_id, description
    )
    return chart_id, header


def _chart_svg(
    *, css_class: str, width: int, height: int, chart_id: str, parts: Sequence[SafeString | str]
) -> SafeString:
    """An accessible chart: labelled by its <title> and <desc>; every part is escaped unless already safe."""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart {}" role="img" viewBox="0 0 {} {}" '
        'width="{}" height="{}" aria-labelledby="{}-title {}-desc">{}</svg>',
        css_class,
        width,
        height,
        width,
        height,
        chart_id,
        chart_id,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def bar_chart_svg(*, title: str, bars: Sequence[tuple[str, int]]) -> SafeString:
    """A horizontal bar chart: one labelled bar per (label, value)."""
    maximum = max((value for _label, value in bars), default=0) or 1
    row_height = LABEL_LINE + BAR_HEIGHT + BAR_GAP
    height = len(bars) * row_height + BAR_GAP
    width = BAR_AREA + VALUE_WIDTH
    description = "; ".join(f"{label}: {value}" for label, value in bars)
    chart_id, header = _accessible_header(title=title, description=description)
    rows = []
    for index, (label, value) in enumerate(bars):
        top = BAR_GAP + index * row_height
        bar_top = top + LABEL_LINE
        bar_width = round(BAR_AREA * value / maximum)
        rows.append(
            format_html(
                '<text x="0" y="{}" class="chart-label">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" class="chart-bar"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" class="chart-value">{}</text>',
                top + 12,
                label,
                bar_top,
                bar_width,
                BAR_HEIGHT,
                label,
                value,
                bar_width + 6,
                bar_top + BAR_HEIGHT / 2 + 5,
                value,
            )
        )
    return _chart_svg(css_class="bar-chart", width=width, height=height, chart_id=chart_id, parts=[header, *rows])


def progress_bar_svg(*, value: int, maximum: int, label: str) -> SafeString:
    """A thin bar filled in proportion value/maximum, with the label as its accessible name."""
    width = 120
    filled = round(width * value / maximum) if maximum else 0
    chart_id, header = _accessible_header(title=label, description=label)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart progress-bar" role="img" viewBox="0 0 {} 10" '
        'width="{}" height="10" aria-labelledby="{}-title">{}'
        '<rect x="0" y="0" width="{}" height="10" class="progress-track"/>'
        '<rect x="0" y="0" width="{}" height="10" class="progress-fill"/></svg>',
        width,
        width,
        chart_id,
        header,
        width,
        filled,
    )


def day_chart_svg(*, title: str, days: Sequence[tuple[datetime.date, int]]) -> SafeString:
    """Vertical bars, one per day, oldest on the left; the first and last day are labelled."""
    column = max(4, min(24, 600 // max(len(days), 1)))  # a year still fits; a fortnight is not a sliver
    chart_height = 120
    width = max(len(days), 1) * column + 40
    height = chart_height + 30
    maximum = max((value for _day, value in days), default=0) or 1
    description = "; ".join(f"{day.isoformat()}: {value}" for day, value in days)
    chart_id, header = _accessible_header(title=title, description=description)
    columns = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar"><title>{}: {}</title></rect>',
        (
            (
                20 + index * column,
                chart_height - round(chart_height * value / maximum),
                column - 2,
                round(chart_height * value / maximum),
                day.isoformat(),
                value,
            )
            for index, (day, value) in enumerate(days)
        ),
    )
    labels = ""
    if days:
        labels = format_html(
            '<text x="20" y="{}" class="chart-label">{}</text>'
            '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>'
            '<text x="2" y="12" class="chart-value">{}</text>',
            height - 8,
            days[0][0].isoformat(),
            width - 8,
            height - 8,
            days[-1][0].isoformat(),
            maximum,
        )
    return _chart_svg(
        css_class="day-chart", width=width, height=height, chart_id=chart_id, parts=[header, columns, labels]
    )
