"""The package's public names are exactly its __all__."""

import idmapping


def test_all_names_exist_and_are_public() -> None:
    for name in idmapping.__all__:
        assert hasattr(idmapping, name), name
    public = {n for n in vars(idmapping) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(idmapping, n)).__name__ == "module"}
    assert public - modules == set(idmapping.__all__) - {"__version__"}
