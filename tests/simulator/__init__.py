"""A simulated Yahoo Finance and FRED for tests: real yfinance code, simulated HTTP."""

from simulator.service import Fault, Service
from simulator.transport import install

__all__ = ["Fault", "Service", "install"]
