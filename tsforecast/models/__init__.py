"""Forecasters, one module per family: naive, statistical, and the neural ones on a shared base."""
