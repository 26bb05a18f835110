"""HTTP routes of the applications area (see API.md)."""
