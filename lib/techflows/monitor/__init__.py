"""Seed 002's checklist: rules, signals measured from data, the analyst table, scenarios."""
