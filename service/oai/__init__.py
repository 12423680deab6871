"""The open library's OAI-PMH 2.0 provider at `/oai`, so OER aggregators can harvest it:
the six verbs, `oai_dc` and IEEE LOM records, sets by language and subject, deleted records
for entries no longer offered, and stateless resumption tokens.

Its responses are for harvesting software and the people who run it, in English, as the
protocol's own vocabulary is.
"""
