"""The compiled multi-case propagator: equations of motion, integrator, events."""
