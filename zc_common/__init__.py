"""Plumbing shared by every zhicheng service and the gateway. No business rules here."""
