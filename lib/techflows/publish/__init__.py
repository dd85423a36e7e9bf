"""Publishing what the runner made: the dated archive of reports and what changed between them."""
