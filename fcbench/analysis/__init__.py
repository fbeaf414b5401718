"""Reading finished runs: reports (`report`), single samples (`show`), paired comparisons
(`compare`), the CI gate (`gate`), leaderboards (`leaderboard`) and pandas frames
(`frames`). Everything here reads run folders through `fcbench.runlog`; nothing runs a model.
"""
