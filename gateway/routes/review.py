"""HTTP routes of the review area (see API.md)."""
