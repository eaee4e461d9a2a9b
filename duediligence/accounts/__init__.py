"""Users, roles, passwords, API tokens, and authentication of the acting user.

- :mod:`~duediligence.accounts.passwords`: Argon2id hashing and the password policy.
- :mod:`~duediligence.accounts.roles`: the roles and the one table of who may do what.
- :mod:`~duediligence.accounts.users`: usernames, look-ups, the acting-user checks, user management.
- :mod:`~duediligence.accounts.tokens`: API tokens (issued once, stored as SHA-256).
- :mod:`~duediligence.accounts.acting`: who is acting and how they proved it (password, token,
  or the CLI's unauthenticated escape hatch), for the CLI and the web app alike.

The package sits just above the audit trail (it records ``user.*`` events) and below everything
that decides, screens or scores.
"""
