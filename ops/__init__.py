"""Starting and stopping the services of both sides (make run, the test session)."""
