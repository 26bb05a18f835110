"""HTTP routes of the payments area (see API.md)."""
