"""The end-to-end evaluation: held-out messages of every kind through the running stack."""
