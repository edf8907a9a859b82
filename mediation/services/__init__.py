"""Use cases as plain functions: views, API resources, CLI commands and the sweeper call these."""
