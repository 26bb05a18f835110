"""Run every benchmark under bench/ in turn (``make bench``)."""
import importlib
import pkgutil
import sys
from pathlib import Path


def main():
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in ("all", "common"))
    for name in names:
        print(f"\n== bench/{name}.py", flush=True)
        module = importlib.import_module(f"bench.{name}")
        sys.argv = [name]
        module.main()


if __name__ == "__main__":
    main()
