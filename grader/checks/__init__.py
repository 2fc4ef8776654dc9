"""The checks: the rules of each step, and the pytest tests that apply them."""
