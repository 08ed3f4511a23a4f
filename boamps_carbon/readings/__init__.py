"""Readings over many reports, streamed: comparisons, experiments, the dashboard and its charts."""
