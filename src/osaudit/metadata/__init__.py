"""Package metadata from deps.dev, ecosyste.ms, OSV and OpenSSF Scorecard.

``collect.collect`` gathers facts (async, cached, offline-capable);
``osaudit.scoring.maintenance`` turns them into the maintenance axis.
"""
