"""The training-data editor's back end (served under /admin): staff, their sessions and roles."""
