"""The LTI 1.3 adapter: registrations, keys, launches, and the LMS services."""
