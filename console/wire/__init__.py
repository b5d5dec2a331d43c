"""The one encoding of each wire format rwc speaks: Run:ai REST, WEKA REST and the Kubernetes API.

`console.sim.http` encodes the simulator's state with these modules and `console.backends.live` decodes
real answers with them, so a field's name, a table (segments, categories, taints, statuses) or a choice
the reference is unsure of is written once. This package does no I/O and imports only `console.model`
and the data layer's error types (`console.data.errors`, `console.data.unreadable`); the import
contracts in pyproject.toml (import-linter) keep it so.
"""
