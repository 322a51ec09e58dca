"""The vision proposal (seed 000, step 3) and the political decision on it."""
