"""The open library at the web edge: its public pages, the teacher's search, preview, add
and copy, publishing from authoring, and the starter catalogue."""
