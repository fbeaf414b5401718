"""Leaderboards: models x sub-tasks tables built from results.json files alone
(``fcbench leaderboard build|rebuild``, see `fcbench.cli.leaderboard`)."""
