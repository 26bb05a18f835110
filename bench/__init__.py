import os

# Benches run the system as deployed: the gateway keeps application pages for the
# production default (the tests' stack keeps them 600 s to catch an untold change).
os.environ.setdefault("ZC_PAGE_CACHE_SECONDS", "15")
