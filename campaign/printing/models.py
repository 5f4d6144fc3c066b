"""Models of group batches arrive with the printing issue."""
