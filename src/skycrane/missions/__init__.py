"""Mission files: the TOML schema, its loader and the preset missions."""
