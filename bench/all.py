"""Run every benchmark under bench/ in turn (``make bench``)."""
import importlib
import pkgutil
import sys
from pathlib import Path

# Benches whose standalone defaults take too long for ``make bench``: the arguments used here.
ARGS = {"surge": ["--n", "500", "--window", "30"]}


def main():
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name not in ("all", "common"))
    failed = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "main"):   # a shared part (bench/cpu.py), not a bench
            continue
        print(f"\n== bench/{name}.py {' '.join(ARGS.get(name, []))}", flush=True)
        sys.argv = [name, *ARGS.get(name, [])]
        try:
            module.main()
        except SystemExit as exc:   # a bench that found something wrong: report it, run the rest
            if exc.code:
                failed.append(name)
    if failed:
        print(f"\nbenches that failed their checks: {', '.join(failed)}", flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
