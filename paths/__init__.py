"""The domain of Selfpath: paths, steps, progress and personalization.

Pure Python and SQLAlchemy: no Flask, no LTI. Services take a session (and a clock)
as arguments and never commit; the web edge owns the unit of work.
"""
