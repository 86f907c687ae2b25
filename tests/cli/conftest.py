"""Every test here runs with private XDG folders and none of the user's DATTO_* variables."""

from tests.isolation import isolated_home as isolated_home
