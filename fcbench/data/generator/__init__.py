"""The built-in suite: a catalog of simulated tools and the generator that makes samples from it."""
