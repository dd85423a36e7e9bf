"""Presentation: each section's tables, sentences and charts; shared table and plot styles."""
