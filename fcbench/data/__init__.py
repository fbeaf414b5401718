"""Where samples come from: sample files and their checks (`samples`), where suites live
(`suites`), the published sample schema (`schemas`), the built-in suite generator
(`generator`) and importers of public suites (`importers`).

Nothing here knows about backends or runs. `importers` sits a layer higher than the rest
because it asks the task registry for each task's gold schema.
"""
