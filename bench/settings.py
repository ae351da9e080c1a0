"""Settings for bench/pages.py: production's, with a URLconf that adds a bare view to compare with.

The bench URLs live here rather than in the site's urls.py so the site never ships a bench page.
"""

from imgsite.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The API's per-address and per-credential limits (imgsite/api_limits.py) would answer most of the
# bench's requests from one loopback address with 429, and their quick refusals would be timed
# beside the real answers: the bench measures the pages, not the limiter.
API_MAX_REQUESTS_PER_IP = 10**9
API_MAX_REQUESTS_PER_CREDENTIAL = 10**9
