"""The sandbox payment provider shipped with the project: a small separate web app
(``python -m services.payments.sandbox``) with a checkout page, signed callbacks to
the gateway retried with back-off, and a signed statement for reconciliation.
It stands in for a real provider in development and tests."""
