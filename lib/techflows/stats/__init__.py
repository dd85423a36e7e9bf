"""Statistics every section shares: intervals on shares and medians, non-overlapping blocks."""
