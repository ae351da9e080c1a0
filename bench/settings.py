"""Settings for bench/pages.py: production's, with a URLconf that adds a bare view to compare with.

The bench URLs live here rather than in the site's urls.py so the site never ships a bench page.
"""

from imgsite.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
