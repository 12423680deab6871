"""What a learner does on their path, as use cases the web edge calls with a session and the
time: where they stand (`learner_path`), completing steps (`completion`), answering
checkpoints (`checkpoints`), goals (`goals`), the placement check and skill checks
(`diagnostics`), mastery per skill kept in the database (`skills`), review cards
(`review_cards`), what is up next (`up_next`) and the "My path" read model (`path_view`).

The engine's types (mastery models, placement, recommendation, review scheduling) belong to
`paths.learning`; these modules import them and never redefine them.
"""
