"""Commands that drive the app from outside it (`python -m tools.openapi_export`)."""
