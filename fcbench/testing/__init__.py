"""Test doubles that are part of fcbench: an emulated OpenAI + Anthropic model server.

`EmulatedServer` answers the samples of a suite with their reference outputs
(or deliberately wrong ones), with configurable latency and injected faults,
so backends, retries and the runner can be tested and benchmarked through the
real SDKs without a model; its batch endpoints (`fcbench.testing.batches`, set by
`BatchSettings`) do the same for ``fcbench run --batch``. See `fcbench.testing.server`
for the command line.
"""

from fcbench.testing.config import BEHAVIOURS, FAULTS, BatchSettings, ServerConfig
from fcbench.testing.emulator import EmulatedServer
from fcbench.testing.script import NoMatch, Script

__all__ = ["BEHAVIOURS", "FAULTS", "BatchSettings", "EmulatedServer", "NoMatch", "Script", "ServerConfig"]
