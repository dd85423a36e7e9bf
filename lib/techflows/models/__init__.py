"""Fitted statistical models: forecasts, regimes, volatility and rate shocks."""
