# The two commands for a newcomer: `make run` (portal with demo data) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test fuzz lint format bench messages worker beat clean

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

install: $(BIN)/.installed

run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The deep search of the property-based test: every form and query parameter, 1,000 examples each.
fuzz: install
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest tests/fuzz $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/python scripts/mypy_baseline.py

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m benchmarks
	@case "$$DATABASE_URL" in \
	  postgres://*|postgresql://*) $(BIN)/python -m benchmarks --load && $(BIN)/python -m benchmarks --poll && $(BIN)/python -m benchmarks --faults ;; \
	  *) echo "Load, poll and fault benchmarks skipped: they need DATABASE_URL to be PostgreSQL (and redis-server)." ;; \
	esac

messages: install
	$(BIN)/python manage.py makemessages -l nb --ignore=.venv --ignore=var --ignore=tests --no-obsolete --add-location=file
	$(BIN)/python manage.py compilemessages --ignore=.venv

worker: install
	$(BIN)/celery -A battery_norway worker --loglevel=info

beat: install
	$(BIN)/celery -A battery_norway beat --loglevel=info

clean:
	rm -rf $(VENV) var *.egg-info
