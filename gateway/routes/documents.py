"""HTTP routes of the documents area (see API.md)."""
