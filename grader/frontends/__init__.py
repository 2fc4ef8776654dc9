"""Where the grader meets its users beside the command line: Jupyter, watch mode,
Gradescope, pull requests and merged shards."""
