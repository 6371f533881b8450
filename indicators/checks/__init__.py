"""The individual goal checks; `indicators.checker.check_goal` runs them."""
