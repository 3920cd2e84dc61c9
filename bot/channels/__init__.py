"""Channel adapters: everything that knows one messaging platform lives under its folder."""
