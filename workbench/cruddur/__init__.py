"""The bootcamp's system, on the engine and the model.

Its scripts (schema-load, seed, scan, the patterns), the app services, the stream handler and
runner, users and Cognito, the web app, the pitfalls and the production plan.
"""
