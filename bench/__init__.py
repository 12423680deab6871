"""`make bench`: Selfpath's speed, as ratios to a bare Flask "hello" in the same run."""
