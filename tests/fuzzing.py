"""What the property-based tests share: how hard Hypothesis tries, and what a browser or a hostile client can send."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
# Any character except lone surrogates, which no encoding carries.
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
