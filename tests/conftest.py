"""Unit-test settings: hypothesis without per-example deadlines.

The default 200 ms deadline turns a busy machine (CI's two cores, shared with the compat suite's servers)
into spurious failures; the examples' results, not their speed, are what these tests check.
"""

from hypothesis import settings

settings.register_profile("localddb", deadline=None)
settings.load_profile("localddb")
