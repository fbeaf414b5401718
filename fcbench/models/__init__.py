"""Model backends, named ``provider/model``. See `fcbench.models.registry.resolve_model`."""
