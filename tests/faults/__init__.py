"""The fault suite: every way a careless or unlucky user can break a run, and what they see."""
