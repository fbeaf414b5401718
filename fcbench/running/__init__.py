"""Running a model over a suite: one sample (`pipeline`: request -> backend -> intake ->
score), one run folder (`store`: append-only samples, resume; `results`: aggregation into
`results.json`), and whole runs (`runner`: concurrency, batching, retries, resume;
`progress`: the terminal bar). Run folders are read back with `fcbench.runlog`.
"""
