"""``python -m fcbench.data.generator``: write a suite (see `fcbench.data.generator.build`)."""

from fcbench.data.generator.build import main

if __name__ == "__main__":
    raise SystemExit(main())
