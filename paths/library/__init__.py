"""The open library: path versions that teachers publish under an open licence for every
school that Selfpath serves, found by search, previewed, linked to an activity or copied.

No learner data ever enters it: an entry holds a published path version (the teacher's
text and the resources' own licences) and how its author chose to be credited.
"""
