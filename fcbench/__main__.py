from fcbench.cli import entry

entry()
