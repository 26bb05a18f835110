"""HTTP routes of the accounts area (see API.md)."""
