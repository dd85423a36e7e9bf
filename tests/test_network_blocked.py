"""The test session cannot reach the network."""

import socket

import pytest

from techflows.data.sources.network import network_available


def test_outbound_connection_is_refused():
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)


def test_network_probe_reports_offline():
    assert network_available(timeout=0.5) is False
