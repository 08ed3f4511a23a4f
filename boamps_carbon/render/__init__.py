"""Renderings of reports for people and other tools: flat CSV (both ways), and more to come."""
