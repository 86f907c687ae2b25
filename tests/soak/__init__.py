"""The soak run: the dashboard against the chaos-faulted fake for a simulated day (or week).

Run it with ``python -m tests.soak`` (see ``tests/soak/__main__.py``); it is not part of the
default pytest run. ``tests/reliability/test_soak_short.py`` runs a short version of the same
harness in CI.
"""
