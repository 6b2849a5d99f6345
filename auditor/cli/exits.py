"""Exit statuses of every command (design.md): 0 done; 1 done and a finding at or above
``--fail-on``; 2 bad usage, configuration or input (one line on stderr); 130 interrupted."""

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
