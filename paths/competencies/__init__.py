"""Competency frameworks (1EdTech CASE 1.1): a school's or the whole site's standards,
imported from a CASE package, and the alignments authors make from a path's skills to them.

A framework is a CFDocument, its competencies are CFItems, and the links between them are
CFAssociations. Alignments belong to a published path version, like its steps.
"""
