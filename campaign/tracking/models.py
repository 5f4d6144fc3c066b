"""Models of replies and call scripts arrive with the tracking issue."""
