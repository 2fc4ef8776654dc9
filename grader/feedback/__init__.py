"""Feedback: Python's errors in plain words, how a run ended, and the mistakes behind them."""
