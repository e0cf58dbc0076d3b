"""Custom actions for 小安 / An, run by the action server (rasa-sdk, Rasa side)."""
