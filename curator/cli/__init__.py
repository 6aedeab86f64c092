"""The command line, the top of the core: every ``curator`` command (``command_line``,
with the label, measure and fact commands in ``label_commands``, suggest, agreement and
duplicates in ``analysis_commands``, ``curator learn`` in ``learning_commands``) and
its one error boundary, a message and an exit status, never a traceback. It works
through the session, as the windows do; ``terminal`` keeps what it prints safe."""

from curator.cli.command_line import format_agreement, main, process_main

__all__ = ["format_agreement", "main", "process_main"]
