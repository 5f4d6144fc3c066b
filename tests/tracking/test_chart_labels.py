"""The country chart's channel labels fit inside the chart in every interface language."""

import re

from django.conf import settings
from django.utils import translation

import pytest

from campaign.models import ContactChannel
from tracking.charts import bar_chart_svg

# Wider than the average glyph of the 12 px chart font, so a label that passes surely fits.
GLYPH_WIDTH_BOUND = 7.5


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_channel_label_fits_inside_the_chart(language):
    with translation.override(language):
        bars = [(str(label), 3) for _value, label in ContactChannel.choices]
        svg = str(bar_chart_svg(title="chart", bars=bars))

    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    labels = re.findall(r'<text x="([\d.-]+)" y="[\d.]+" class="chart-label">([^<]*)</text>', svg)
    assert len(labels) == len(bars)
    for x, label in labels:
        assert float(x) >= 0, label
        assert float(x) + len(label) * GLYPH_WIDTH_BOUND <= width, (language, label)
