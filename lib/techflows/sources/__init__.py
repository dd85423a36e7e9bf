"""Data adapters: yahoo, fred, csv folder, and the embedded sample. Each returns raw frames."""
