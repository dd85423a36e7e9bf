"""Measurements from data: flows, prices, rates, the Fed, breadth, drawdowns and the rest."""
