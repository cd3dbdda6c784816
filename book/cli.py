"""Placeholder replaced below."""
def main(argv: list[str]) -> int:
    print("cli", argv)
    return 0
