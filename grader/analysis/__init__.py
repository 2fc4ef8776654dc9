"""The learner's code as syntax trees: questions about it, and what it may use."""
