"""The track record: every headline signal's point-in-time history, scored against what followed."""
