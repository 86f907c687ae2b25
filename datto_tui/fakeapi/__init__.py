"""fakeapi."""
