"""What every app-side service shares: settings, database engines, error bodies, the HTTP
client's TLS context and the knowledge base's file format. It imports none of the services."""
