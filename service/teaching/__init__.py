"""The teacher's pages for a placed activity."""
