"""The learner's pages: My path, steps, checkpoints, placement, goals and own data."""
