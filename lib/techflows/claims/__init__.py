"""The articles' claims: each one parsed, measured from data and judged in a ledger."""
