"""One blueprint per URL area. REGISTRY lists the `register(app)` of each optional area."""

REGISTRY: list = []
