"""One module per domain. Each module registers its tools and tables when imported.

Modules here are discovered because they exist (see `fcbench.data.generator.tooling.catalog`).
"""
