"""Data sources: one adapter per kind of source (Yahoo, FRED, a csv folder, the arch sample)."""
