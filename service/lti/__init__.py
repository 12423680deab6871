"""The LTI layer at the web edge: the `/lti` endpoints, the LTI commands and the
per-process collaborators the factory builds for them (the protocol itself is in `lti/`)."""
