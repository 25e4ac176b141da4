"""The flight sequence: events, triggers, separations and the bodies they create."""
