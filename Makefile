.PHONY: run test lint bench clean

run:
	@bash deploy/bootstrap.sh
	@.venv/bin/python -m deploy.run $(ARGS)

test:
	@bash deploy/bootstrap.sh test
	@bash deploy/test.sh

lint:
	@.venv/bin/ruff check .

bench:
	@bash deploy/bootstrap.sh test
	@.venv/bin/python -m bench.all

clean:
	rm -rf var
