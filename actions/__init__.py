"""Custom rasa-sdk actions. Served in-process by the dialogue engine, or over HTTP
by `python -m rasa_sdk --actions actions`."""
